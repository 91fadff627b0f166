// Steering a run by hand: cancel it, checkpoint it, retry a failed task, or
// declare a failed task done or skipped so its dependents go on.
import { exitCodeFor, follow, summary, type Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { UsageError } from "../usage-error.js";

export async function cancelCommand(args: string[], out: Output): Promise<number> {
  const [runId] = args;
  if (!runId || args.length !== 1) throw new UsageError("usage: conveyor cancel <run-id>");
  return withApp(async (app) => {
    await app.engine.cancelRun(runId);
    const run = await app.engine.waitForRun(runId);
    out.write(summary(run));
    return 0;
  });
}

export async function checkpointCommand(args: string[], out: Output): Promise<number> {
  const [runId] = args;
  if (!runId || args.length !== 1) throw new UsageError("usage: conveyor checkpoint <run-id>");
  return withApp(async (app) => {
    out.write(`checkpoint ${await app.engine.checkpointRun(runId)}\n`);
    return 0;
  });
}

export async function retryCommand(args: string[], out: Output): Promise<number> {
  const [runId, taskId] = args;
  if (!runId || !taskId || args.length !== 2) throw new UsageError("usage: conveyor retry <run-id> <task-id>");
  return withApp(async (app) => {
    await app.engine.retryTask(runId, taskId);
    const run = await follow(app, runId, out);
    out.write(summary(run));
    return exitCodeFor(run.status);
  });
}

export async function markCommand(args: string[], out: Output): Promise<number> {
  const [runId, taskId, as] = args;
  if (!runId || !taskId || (as !== "done" && as !== "skipped") || args.length !== 3) {
    throw new UsageError("usage: conveyor mark <run-id> <task-id> done|skipped");
  }
  return withApp(async (app) => {
    await app.engine.markTask(runId, taskId, as === "done" ? "succeeded" : "skipped");
    const run = await follow(app, runId, out);
    out.write(summary(run));
    return exitCodeFor(run.status);
  });
}
