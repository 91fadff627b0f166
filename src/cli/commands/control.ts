// Steering a run by hand: cancel it, checkpoint it, retry a failed task, or
// declare a failed task done or skipped so its dependents go on.
import type { Settings } from "../../config.js";
import { exitCodeFor, follow, summary, type Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { resolveRunId } from "../run-ids.js";

export async function cancelCommand(runText: string, _opts: unknown, out: Output, settings?: Settings): Promise<number> {
  return withApp(
    async (app) => {
      const runId = await resolveRunId(app.engine.store, runText);
      await app.engine.cancelRun(runId);
      const run = await app.engine.waitForRun(runId);
      out.write(summary(run));
      return 0;
    },
    { settings },
  );
}

export async function checkpointCommand(runText: string, _opts: unknown, out: Output, settings?: Settings): Promise<number> {
  return withApp(
    async (app) => {
      const runId = await resolveRunId(app.engine.store, runText);
      out.write(`checkpoint ${await app.engine.checkpointRun(runId)}\n`);
      return 0;
    },
    { settings },
  );
}

export async function retryCommand(runText: string, taskId: string, _opts: unknown, out: Output, settings?: Settings): Promise<number> {
  return withApp(
    async (app, interruption) => {
      const runId = await resolveRunId(app.engine.store, runText);
      await app.engine.retryTask(runId, taskId);
      const run = await follow(app, runId, out, interruption);
      out.write(summary(run));
      return exitCodeFor(run.status);
    },
    { settings },
  );
}

export async function markCommand(
  runText: string,
  taskId: string,
  as: "done" | "skipped",
  _opts: unknown,
  out: Output,
  settings?: Settings,
): Promise<number> {
  return withApp(
    async (app, interruption) => {
      const runId = await resolveRunId(app.engine.store, runText);
      await app.engine.markTask(runId, taskId, as === "done" ? "succeeded" : "skipped");
      const run = await follow(app, runId, out, interruption);
      out.write(summary(run));
      return exitCodeFor(run.status);
    },
    { settings },
  );
}
