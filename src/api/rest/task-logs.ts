// GET /api/workflows/{id}/tasks/{taskId}/logs[?attempt=N][&follow=1]: an
// attempt's output as plain text, one line each (see live/task-log-stream.ts).
// Without follow: the stored tail of an ended attempt, or the lines so far of
// a running one. With follow: then its live lines, until the attempt ends.
// Lines dropped for a client that reads too slowly show as one line saying so.
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidOptionError } from "../../core/errors.js";
import type { OpenSubscriptions } from "../live/open-subscriptions.js";
import { TaskLogStream, type LogItem } from "../live/task-log-stream.js";
import { taskLogTarget } from "../live/task-log-target.js";
import type { RunService } from "../run-service.js";

export const TASK_LOGS_PATH = /^\/api\/workflows\/([^/]+)\/tasks\/([^/]+)\/logs$/;

const FOLLOW = new Map([
  ["1", true],
  ["true", true],
  ["0", false],
  ["false", false],
  ["", true],
]);

export const logText = (item: LogItem): string =>
  item.dropped !== null ? `[conveyor: ${item.dropped} line${item.dropped === 1 ? "" : "s"} dropped]\n` : `${item.text}\n`;

export interface TaskLogsRequest {
  runs: RunService;
  subscriptions?: OpenSubscriptions;
}

export async function sendTaskLogs(
  deps: TaskLogsRequest,
  req: IncomingMessage,
  res: ServerResponse,
  runId: string,
  taskId: string,
): Promise<void> {
  const query = new URL(req.url ?? "/", "http://x").searchParams;
  const attemptText = query.get("attempt");
  const attempt = attemptText === null ? undefined : /^\d+$/.test(attemptText) ? Number(attemptText) : NaN;
  if (Number.isNaN(attempt)) throw new InvalidOptionError("attempt", `must be a whole number of at least 1, not "${attemptText}"`);
  const followText = query.get("follow");
  const follow = followText === null ? false : FOLLOW.get(followText);
  if (follow === undefined) throw new InvalidOptionError("follow", `must be 1 or 0 (true or false), not "${followText}"`);

  const target = await taskLogTarget(deps.runs, runId, taskId, attempt);
  const stream = new TaskLogStream({ bus: deps.runs.engine.bus, store: deps.runs.store }, target, { follow });
  const unregister = deps.subscriptions?.add(() => void stream.return()) ?? (() => undefined);
  req.once("close", () => void stream.return());
  res.on("close", () => void stream.return());
  res.writeHead(200, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "x-conveyor-attempt": String(target.attempt),
  });
  try {
    for await (const item of stream) {
      if (res.destroyed) break;
      // a client that reads slowly holds the stream back, which then drops lines visibly
      if (!res.write(logText(item)))
        await new Promise((r) => {
          res.once("drain", r);
          res.once("close", r);
        });
    }
  } finally {
    unregister();
    res.end();
  }
}
