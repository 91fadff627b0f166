// Child of bench/memory.ts (run with --expose-gc): one fresh store, one run of
// BENCH_TASKS independent no-op tasks at maxParallel BENCH_PARALLEL, heap and RSS
// after a full GC at fixed points, as growth over the idle app after a warm-up run:
//   loaded  = the run's first executor invocation (planned, inserted, loaded, in flight);
//   half    = the invocation of task N/2 (loaded, half done, in flight);
//   end     = run.finished published, before the supervisor stops (everything done);
//   cap     = instead of half/end when BENCH_CAP_MS passes first: measured there, then stopped.
// With BENCH_RICH=1 the run carries extensive state: every task returns a distinct
// 1 KB result, and RICH_RETRIED tasks spread over the run fail their first attempt.
// Prints "RESULT {json}".
import { performance } from "node:perf_hooks";
import { InProcessExecutor, type TaskFunction } from "../src/executors/in-process.js";
import { topics } from "../src/engine/topics.js";
import { freshStore, noopSource, openApp, timeRun, type StoreKind } from "./support.js";
import type { MemPoint } from "./memory.js";

const kind = process.env.BENCH_STORE_KIND as StoreKind;
const n = Number(process.env.BENCH_TASKS);
const parallel = Number(process.env.BENCH_PARALLEL ?? "64");
const capMs = Number(process.env.BENCH_CAP_MS ?? "0");
const rich = process.env.BENCH_RICH === "1";
const RICH_RETRIED = 10;
/** A distinct result of about 1 KB for each task. */
const richResult = (taskId: string) => ({ taskId, payload: `${taskId}:`.padEnd(1000, "x") });
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

function sample(at: string, done: number, t0: number): MemPoint {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { at, done, heapUsed: m.heapUsed, rss: m.rss, external: m.external, ms: performance.now() - t0 };
}

let current: TaskFunction = () => 1;
const store = await freshStore(kind);
const app = await openApp(store, { fn: () => new InProcessExecutor((req) => current(req)) });
try {
  // A warm-up run of the measured shape (up to 1,000 tasks): the code V8 compiles for it
  // is paid once per process, not per task, and would otherwise count in the 1,000-task row.
  await timeRun(app, { source: noopSource(Math.min(n, 1000), "warm-"), options: { executor: "fn", maxParallel: parallel, force: true } });
  const base = sample("base", 0, performance.now());
  const points: MemPoint[] = [];
  let invoked = 0;
  let capped = false;
  let resolveStop!: () => void;
  const stopNow = new Promise<void>((r) => (resolveStop = r));
  const t0 = performance.now();
  const retried = new Set(Array.from({ length: RICH_RETRIED }, (_, k) => `m-${Math.floor(((k + 0.5) * n) / RICH_RETRIED)}`));
  current = (req) => {
    invoked++;
    if (rich && retried.has(req.taskId) && req.attempt === 1) throw new Error("first attempt fails");
    if (capped) return 1;
    if (invoked === 1) points.push(sample("loaded", 0, t0));
    else if (invoked === Math.floor(n / 2)) points.push(sample("half", invoked - 1, t0));
    else if (capMs > 0 && performance.now() - t0 > capMs) {
      capped = true;
      points.push(sample("cap", invoked - 1, t0));
      resolveStop();
    }
    return rich ? richResult(req.taskId) : 1;
  };
  // built in its own scope so that nothing of the input stays referenced here
  const { runId } = await (() =>
    app.engine.startRun({
      source: noopSource(n, "m-"),
      options: { executor: "fn", maxParallel: parallel, force: true, ...(rich ? { retry: { baseDelayMs: 10, maxDelayMs: 50 } } : {}) },
    }))();
  const startRunMs = performance.now() - t0;
  const finished = new Promise<void>((resolve) => {
    app.engine.bus.subscribe(topics.runEvents(runId), (events) => {
      for (const e of events) {
        if (e.type === "run.finished") {
          if (!capped) points.push(sample("end", n, t0));
          resolve();
        }
      }
    });
  });
  await Promise.race([finished, stopNow]);
  const totalMs = performance.now() - t0;
  process.stdout.write(`RESULT ${JSON.stringify({ kind, tasks: n, parallel, rich, startRunMs, totalMs, capped, base, points })}\n`);
} finally {
  await app.stop();
  await store.dispose();
}
