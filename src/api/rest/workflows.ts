// The original REST endpoints, over the same services as GraphQL.
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidOptionError } from "../../core/errors.js";
import type { RunService } from "../run-service.js";
import { HttpError, readObject, sendJson, type BodyLimits } from "../http/io.js";
import { NUL_MESSAGE } from "../../core/text-guard.js";
import type { OpenSubscriptions } from "../live/open-subscriptions.js";
import { progressBody, stateBody, statusBody } from "./bodies.js";
import { parseStartRequest, respelled } from "./start-request.js";
import { sendTaskLogs, TASK_LOGS_PATH } from "./task-logs.js";

export interface RestDeps extends BodyLimits {
  runs: RunService;
  /** Ends streamed logs on shutdown. */
  subscriptions?: OpenSubscriptions;
  /** Present when tracing is on. */
  tracing?: unknown;
}

type Handler = (deps: RestDeps, req: IncomingMessage, res: ServerResponse, id: string) => Promise<void>;

async function statusOf(runs: RunService, id: string) {
  return statusBody(id, runs.engine.runState(await runs.requireRun(id)));
}

/** 405, saying which methods the path takes. */
export const methodNotAllowed = (allowed: string[]) =>
  new HttpError(405, `use ${allowed.join(" or ")}`, "METHOD_NOT_ALLOWED", { allowed }, { allow: allowed.join(", ") });

async function startRun(deps: RestDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { request, spelling } = parseStartRequest(await readObject(req, deps), deps.runs.hasDefaultTasksFile);
  // tracing on: the run's span is the child of the caller's (its traceparent header)
  const traceparent = deps.tracing && typeof req.headers.traceparent === "string" ? req.headers.traceparent : undefined;
  const started = await deps.runs.startRun(request, traceparent).catch((err: unknown) => {
    throw err instanceof InvalidOptionError ? respelled(err, spelling) : err;
  });
  // answered once the start is recorded, as GraphQL's startRun is: running (or further), never pending
  const run = await deps.runs.startedRun(started.runId);
  sendJson(
    res,
    201,
    { ...statusBody(started.runId, deps.runs.engine.runState(run)), total: started.total, warnings: started.warnings },
    {
      location: `/api/workflows/${started.runId}/state`,
    },
  );
}

async function deleteWorkflow({ runs }: RestDeps, res: ServerResponse, id: string): Promise<void> {
  const rows = await runs.deleteRun(id);
  sendJson(res, 200, {
    workflow_id: id,
    deleted: { tasks: rows.taskRuns, attempts: rows.attempts, event_pages: rows.eventPages, checkpoints: rows.checkpoints },
  });
}

const handlers: Record<string, Handler> = {
  "GET progress": async ({ runs }, _req, res, id) => {
    // one read of the run serves both: its status, and its progress when nobody here drives it
    const run = await runs.requireRun(id);
    sendJson(res, 200, progressBody(id, runs.engine.runState(run), await runs.progress(id, run)));
  },
  "GET state": async ({ runs }, _req, res, id) => {
    const run = await runs.requireRun(id);
    sendJson(res, 200, stateBody(run, runs.engine.runState(run), await runs.store.loadUnits(id)));
  },
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
    sendJson(res, 202, statusBody(id, runs.engine.runState(run)));
  },
  "POST pause": async ({ runs }, _req, res, id) => {
    const run = await runs.steer(id, { action: "pause" });
    sendJson(res, 202, statusBody(id, runs.engine.runState(run)));
  },
  "POST cancel": async ({ runs, ...limits }, req, res, id) => {
    const body = await readObject(req, limits);
    if (body.reason !== undefined && typeof body.reason !== "string") throw new InvalidOptionError("reason", "must be a string");
    const run = await runs.steer(id, { action: "cancel", ...(body.reason !== undefined ? { reason: body.reason as string } : {}) });
    sendJson(res, 202, statusBody(id, runs.engine.runState(run)));
  },
};

/** Routes /api/workflows/...; returns false when the path is not one of ours. */
export async function handleWorkflows(deps: RestDeps, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (path === "/api/workflows/multi-task") {
    if (req.method !== "POST") throw methodNotAllowed(["POST"]);
    await startRun(deps, req, res);
    return true;
  }
  const logs = TASK_LOGS_PATH.exec(path);
  if (logs) {
    if (req.method !== "GET") throw methodNotAllowed(["GET"]);
    await sendTaskLogs(deps, req, res, decodePart(logs[1]!), decodePart(logs[2]!));
    return true;
  }
  const run = /^\/api\/workflows\/([^/]+)$/.exec(path);
  if (run) {
    if (req.method !== "DELETE") throw methodNotAllowed(["DELETE"]);
    await deleteWorkflow(deps, res, decodePart(run[1]!));
    return true;
  }
  const m = /^\/api\/workflows\/([^/]+)\/([a-z]+)$/.exec(path);
  if (!m) return false;
  const handler = handlers[`${req.method} ${m[2]}`];
  if (!handler) {
    const allowed = Object.keys(handlers)
      .filter((k) => k.endsWith(` ${m[2]}`))
      .map((k) => k.split(" ")[0]!);
    if (allowed.length > 0) throw methodNotAllowed(allowed);
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
    throw new HttpError(400, "malformed percent-encoding in the path", "MALFORMED_PATH");
  }
}

/** GET needs read; anything else needs write. */
export const restScope = (method: string | undefined) => (method === "GET" || method === "HEAD" ? "read" : "write");
