// The original REST endpoints, over the same services as GraphQL.
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidOptionError } from "../../core/errors.js";
import type { Progress } from "../../core/progress.js";
import type { RunService, StartRunRequest } from "../run-service.js";
import { HttpError, readObject, sendJson, type BodyLimits } from "../http/io.js";
import { NUL_MESSAGE } from "../../core/text-guard.js";
import { camelKeys, snakeKeys } from "./snake.js";
import type { OpenSubscriptions } from "../events/open-subscriptions.js";
import { sendTaskLogs, TASK_LOGS_PATH } from "./task-logs.js";

export interface RestDeps extends BodyLimits {
  runs: RunService;
  /** Ends streamed logs on shutdown. */
  subscriptions?: OpenSubscriptions;
  /** Present when tracing is on. */
  tracing?: unknown;
}

type Handler = (deps: RestDeps, req: IncomingMessage, res: ServerResponse, id: string) => Promise<void>;

/** Keys of the start request that are not run options. */
const SOURCE_KEYS = new Set(["task_list", "task_range", "tasks_file", "tag", "tasks", "options"]);

export function startRequest(b: Record<string, unknown>): StartRunRequest {
  if (b.task_list !== undefined && !Array.isArray(b.task_list)) throw new InvalidOptionError("task_list", "must be an array of task ids");
  if (b.task_range !== undefined && typeof b.task_range !== "string") throw new InvalidOptionError("task_range", "must be a string such as 1-100");
  if (b.tasks_file !== undefined && typeof b.tasks_file !== "string") throw new InvalidOptionError("tasks_file", "must be a path");
  if (b.options !== undefined && (typeof b.options !== "object" || b.options === null || Array.isArray(b.options))) {
    throw new InvalidOptionError("options", "must be an object");
  }
  const options = {
    ...(camelKeys(Object.fromEntries(Object.entries(b).filter(([k]) => !SOURCE_KEYS.has(k)))) as object),
    ...(camelKeys(b.options ?? {}) as object),
  };
  return {
    ...(b.tasks_file !== undefined ? { tasksFile: b.tasks_file as string } : {}),
    ...(typeof b.tag === "string" ? { tag: b.tag } : {}),
    ...(b.tasks !== undefined ? { inline: b.tasks } : {}),
    ...(b.task_range !== undefined ? { selection: b.task_range as string } : {}),
    ...(b.task_list !== undefined ? { taskIds: b.task_list as (string | number)[] } : {}),
    options: options as Record<string, unknown>,
  };
}

export function progressBody(runId: string, status: string, p: Progress) {
  return {
    workflow_id: runId,
    status,
    ...(snakeKeys({ ...p, running: p.running.map((r) => ({ taskId: r.id, elapsedMs: r.elapsedMs })) }) as object),
    eta_seconds: p.etaMs === null ? null : p.etaMs / 1000,
    eta_at: p.etaAt === null ? null : new Date(p.etaAt).toISOString(),
  };
}

async function stateBody(runs: RunService, id: string) {
  const run = await runs.requireRun(id);
  const units = await runs.store.loadUnits(id);
  const { leaseOwner, leaseExpiresAt, ...rest } = run;
  return {
    workflow_id: id,
    ...(snakeKeys({ ...rest, status: runs.engine.runState(run), driver: leaseOwner }) as object),
    tasks: units.map((u) => ({
      id: u.id,
      title: u.title,
      status: u.state.status,
      attempts: u.state.attempts,
      memoized: u.state.memoized,
      error: u.state.error,
      result: u.state.result ?? null,
      started_at: u.state.startedAt,
      finished_at: u.state.finishedAt,
    })),
  };
}

async function statusOf(runs: RunService, id: string) {
  return { workflow_id: id, status: runs.engine.runState(await runs.requireRun(id)) };
}

const handlers: Record<string, Handler> = {
  "GET progress": async ({ runs }, _req, res, id) => {
    // one read of the run serves both: its status, and its progress when nobody here drives it
    const run = await runs.requireRun(id);
    sendJson(res, 200, progressBody(id, runs.engine.runState(run), await runs.progress(id, run)));
  },
  "GET state": async ({ runs }, _req, res, id) => sendJson(res, 200, await stateBody(runs, id)),
  "PUT checkpoint": async ({ runs }, _req, res, id) => {
    const checkpointId = await runs.checkpoint(id);
    sendJson(res, 201, { ...(await statusOf(runs, id)), checkpoint_id: checkpointId });
  },
  "POST resume": async ({ runs, ...limits }, req, res, id) => {
    const body = await readObject(req, limits);
    if (body.checkpoint_id !== undefined && typeof body.checkpoint_id !== "string") {
      throw new InvalidOptionError("checkpoint_id", "must be a string");
    }
    const run = await runs.steer(id, { action: "resume", ...(body.checkpoint_id ? { checkpointId: body.checkpoint_id as string } : {}) });
    sendJson(res, 202, { workflow_id: id, status: run.status });
  },
  "POST pause": async ({ runs }, _req, res, id) => {
    const run = await runs.steer(id, { action: "pause" });
    sendJson(res, 202, { workflow_id: id, status: run.status });
  },
  "POST cancel": async ({ runs, ...limits }, req, res, id) => {
    const body = await readObject(req, limits);
    const run = await runs.steer(id, { action: "cancel", ...(typeof body.reason === "string" ? { reason: body.reason } : {}) });
    sendJson(res, 202, { workflow_id: id, status: run.status });
  },
};

/** Routes /api/workflows/...; returns false when the path is not one of ours. */
export async function handleWorkflows(deps: RestDeps, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (path === "/api/workflows/multi-task") {
    if (req.method !== "POST") throw new HttpError(405, "use POST", "METHOD_NOT_ALLOWED");
    // tracing on: the run's span is the child of the caller's (its traceparent header)
    const traceparent = deps.tracing && typeof req.headers.traceparent === "string" ? req.headers.traceparent : undefined;
    const started = await deps.runs.startRun(startRequest(await readObject(req, deps)), traceparent);
    const { status } = await statusOf(deps.runs, started.runId);
    sendJson(res, 201, { workflow_id: started.runId, status, total: started.total, warnings: started.warnings }, {
      location: `/api/workflows/${started.runId}/state`,
    });
    return true;
  }
  const logs = TASK_LOGS_PATH.exec(path);
  if (logs) {
    if (req.method !== "GET") throw new HttpError(405, "use GET", "METHOD_NOT_ALLOWED");
    await sendTaskLogs(deps, req, res, decodePart(logs[1]!), decodePart(logs[2]!));
    return true;
  }
  const m = /^\/api\/workflows\/([^/]+)\/([a-z]+)$/.exec(path);
  if (!m) return false;
  const handler = handlers[`${req.method} ${m[2]}`];
  if (!handler) {
    if (Object.keys(handlers).some((k) => k.endsWith(` ${m[2]}`))) throw new HttpError(405, "method not allowed", "METHOD_NOT_ALLOWED");
    return false;
  }
  await handler(deps, req, res, decodePart(m[1]!));
  return true;
}

function decodePart(part: string): string {
  try {
    const decoded = decodeURIComponent(part);
    if (decoded.includes("\u0000")) throw new HttpError(400, `the id in the path ${NUL_MESSAGE}`, "NUL_CHARACTER");
    return decoded;
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, "malformed percent-encoding in the path");
  }
}

/** GET needs read; anything else needs write. */
export const restScope = (method: string | undefined) => (method === "GET" || method === "HEAD" ? "read" : "write");
