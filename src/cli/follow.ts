// Follows runs this process drives until they stop, showing progress, then
// reports how they ended. Shared by run, resume, retry, mark and recover.
import type { App } from "../app.js";
import type { RunState } from "../core/run-state.js";
import type { RunStatus } from "../core/status.js";
import { topics } from "../engine/topics.js";
import type { RunRecord } from "../engine/store.js";
import { formatDuration } from "./durations.js";
import { Interrupted, type Interruption } from "./interruption.js";
import { ProgressView } from "./progress-view.js";

export interface Output {
  isTTY: boolean;
  columns?: number | undefined;
  write(text: string): void;
  error(text: string): void;
}

export const processOutput: Output = {
  isTTY: Boolean(process.stdout.isTTY),
  get columns() {
    return process.stdout.columns;
  },
  write: (t) => void process.stdout.write(t),
  error: (t) => void process.stderr.write(t),
};

/**
 * Shows the run's progress until this process stops driving it. Interrupted, it
 * clears the bar (a stopped engine's last state is not how the run ended), lets
 * the interruption name the run, and throws Interrupted: there is no ending to report.
 */
export async function follow(app: App, runId: string, out: Output, interruption: Interruption): Promise<RunRecord> {
  // the bar redraws from the live supervisor; once it stops, from the last stored state
  let settled = await app.engine.progress(runId);
  const view = new ProgressView(out, () => app.engine.liveProgress(runId) ?? settled);
  const unsubscribe = app.engine.bus.subscribe(topics.runEvents(runId), (events) => view.onEvents(events));
  interruption.runIds.add(runId);
  const offInterrupt = interruption.onInterrupt(() => view.cancel());
  try {
    view.start();
    const run = await app.engine.waitForRun(runId);
    if (interruption.fired) throw new Interrupted();
    settled = await app.engine.progress(runId);
    view.stop();
    return run;
  } catch (err) {
    // a run stopped by a database outage: the bar goes before the error line, it no longer says how the run is
    view.cancel();
    throw err;
  } finally {
    unsubscribe();
    offInterrupt();
    interruption.runIds.delete(runId);
  }
}

/** `status` may be the derived state (core/run-state.ts), "interrupted" included. */
export function summary(run: Omit<RunRecord, "status"> & { status: RunState }): string {
  const took = run.finishedAt !== null && run.startedAt !== null ? formatDuration(run.finishedAt - run.startedAt) : "--";
  const counts = [
    `${run.succeeded} succeeded`,
    ...(run.memoized ? [`(${run.memoized} from cache)`] : []),
    `${run.failed} failed`,
    `${run.skipped} skipped`,
    ...(run.cancelled ? [`${run.cancelled} cancelled`] : []),
    ...(run.pending ? [`${run.pending} not run`] : []),
  ].join(", ");
  return `run ${run.id} ${run.status} in ${took}: ${counts}${run.reason ? `\n  reason: ${run.reason}` : ""}\n`;
}

export function exitCodeFor(status: RunStatus): number {
  return status === "succeeded" ? 0 : 1;
}
