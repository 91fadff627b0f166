// 2 and 3. A chain of N no-op tasks (each depends on the previous one): tasks/s,
// and the hand-off latency between neighbours, two ways:
//  - commit -> start: task k's success is committed (seen as the event bus
//    publish of task.succeeded, which happens right after the commit) until the
//    executor function of task k+1 is invoked;
//  - return -> start: the function of task k returns until the function of
//    task k+1 is invoked: the whole hop, commit included (what BullMQ's flow
//    hand-off measures).
import { performance } from "node:perf_hooks";
import type { App } from "../src/app.js";
import type { TaskFunction } from "../src/executors/in-process.js";
import { CommitMeter, log, noopSource, quantile, timeRun } from "./support.js";
import { nextPrefix } from "./throughput.js";

export interface HandoffResult {
  tasks: number;
  totalMs: number;
  startRunMs: number;
  tasksPerSec: number;
  commits: number;
  commitMs: number;
  commitToStart: { p50: number; p99: number; max: number; n: number };
  returnToStart: { p50: number; p99: number; max: number; n: number };
}

export async function measureChain(app: App, executor: string, setFn: (fn: TaskFunction) => void, n: number): Promise<HandoffResult> {
  const prefix = nextPrefix("chain");
  const started = new Float64Array(n).fill(Number.NaN);
  const returned = new Float64Array(n).fill(Number.NaN);
  const committed = new Float64Array(n).fill(Number.NaN);
  const indexOf = (taskId: string) => Number(taskId.slice(prefix.length));
  setFn((req) => {
    const i = indexOf(req.taskId);
    started[i] = performance.now();
    returned[i] = performance.now();
    return 1;
  });
  const meter = CommitMeter.for(app);
  const timing = await timeRun(
    app,
    { source: noopSource(n, prefix, "chain"), options: { executor, maxParallel: 1, force: true } },
    {
      meter,
      onEvents: (events) => {
        const now = performance.now();
        for (const e of events) if (e.type === "task.succeeded" && e.taskId !== undefined) committed[indexOf(e.taskId)] = now;
      },
    },
  );
  if (timing.status !== "succeeded") throw new Error(`chain run ended ${timing.status}`);
  const c2s: number[] = [];
  const r2s: number[] = [];
  for (let k = 0; k + 1 < n; k++) {
    const next = started[k + 1]!;
    if (!Number.isNaN(committed[k]!) && !Number.isNaN(next)) c2s.push(next - committed[k]!);
    if (!Number.isNaN(returned[k]!) && !Number.isNaN(next)) r2s.push(next - returned[k]!);
  }
  const stats = (v: number[]) => ({ p50: quantile(v, 0.5), p99: quantile(v, 0.99), max: Math.max(...v), n: v.length });
  const r: HandoffResult = {
    tasks: n,
    totalMs: timing.totalMs,
    startRunMs: timing.startRunMs,
    tasksPerSec: n / (timing.totalMs / 1000),
    commits: timing.commits,
    commitMs: timing.commitMs,
    commitToStart: stats(c2s),
    returnToStart: stats(r2s),
  };
  log(
    `  chain ${n}: ${r.tasksPerSec.toFixed(0)} tasks/s; commit->start p50 ${r.commitToStart.p50.toFixed(3)} ms ` +
      `p99 ${r.commitToStart.p99.toFixed(3)} ms; return->start p50 ${r.returnToStart.p50.toFixed(3)} ms p99 ${r.returnToStart.p99.toFixed(3)} ms`,
  );
  return r;
}
