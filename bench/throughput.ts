// 1. One run of N independent no-op tasks (in-process executor, force: true so
// the memo cache skips nothing) at several maxParallel values: tasks/s from the
// startRun call to the durable run.finished, with startRun (plan + insert) apart.
import type { App } from "../src/app.js";
import { CommitMeter, log, noopSource, timeRun, type RunTiming } from "./support.js";

export interface ThroughputResult {
  maxParallel: number;
  tasks: number;
  timing: RunTiming;
  tasksPerSec: number;
  /** Tasks/s after startRun returned (dispatch + commits only). */
  execTasksPerSec: number;
}

let runCounter = 0;
/** Unique task ids per run, so memo keys never repeat between runs (memo lookups stay empty). */
export const nextPrefix = (tag: string) => `${tag}${++runCounter}-`;

export async function warmUp(app: App, executor: string): Promise<void> {
  // JIT, Prisma's query compiler, the connection pool and the planner's first look at the tables
  await timeRun(app, { source: noopSource(300, nextPrefix("warm")), options: { executor, maxParallel: 8, force: true } });
}

export async function measureThroughput(app: App, executor: string, n: number, parallels: number[]): Promise<ThroughputResult[]> {
  const meter = CommitMeter.for(app);
  const out: ThroughputResult[] = [];
  for (const maxParallel of parallels) {
    const source = noopSource(n, nextPrefix(`mp${maxParallel}-`));
    const timing = await timeRun(app, { source, options: { executor, maxParallel, force: true } }, { meter });
    if (timing.status !== "succeeded") throw new Error(`throughput run ended ${timing.status}`);
    const r: ThroughputResult = {
      maxParallel,
      tasks: n,
      timing,
      tasksPerSec: n / (timing.totalMs / 1000),
      execTasksPerSec: n / ((timing.totalMs - timing.startRunMs) / 1000),
    };
    log(
      `  mp=${maxParallel}: ${r.tasksPerSec.toFixed(0)} tasks/s (startRun ${timing.startRunMs.toFixed(0)} ms, ` +
        `${timing.commits} commits, ${timing.commitMs.toFixed(0)} ms in commit of ${timing.totalMs.toFixed(0)} ms)`,
    );
    out.push(r);
  }
  return out;
}
