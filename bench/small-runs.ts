// S. Many small runs at once, as a service that starts a run per request makes
// them: `runs` runs of `tasksPer` independent no-op tasks, all started together
// (maxParallel 4 each), against one run of as many tasks in the same app, right
// before. Also the fixed cost of a run: startRun called → its first task invoked,
// and its last task returned → run.finished published (after its commit).
import { performance } from "node:perf_hooks";
import type { App } from "../src/app.js";
import { topics } from "../src/engine/topics.js";
import type { TaskFunction } from "../src/executors/in-process.js";
import { log, noopSource, quantile, timeRun } from "./support.js";
import { nextPrefix } from "./throughput.js";

export interface SmallRunsResult {
  runs: number;
  tasksPer: number;
  maxParallel: number;
  totalMs: number;
  tasksPerSec: number;
  runsPerSec: number;
  /** One run of runs × tasksPer tasks at referenceParallel, measured right before. */
  reference: { tasks: number; maxParallel: number; tasksPerSec: number };
  firstDispatch: { p50: number; p99: number };
  finish: { p50: number; p99: number };
  /** SQL statements sent while the small runs ran, per run (a transaction's BEGIN and COMMIT included). */
  statementsPerRun: number;
}

/** Counts the SQL statements the app sends (the same calls, wrapped in place until restore()). */
function countStatements(app: App): { count(): number; restore(): void } {
  let n = 0;
  const sql = app.db.sql;
  const { query, transaction } = sql;
  sql.query = ((...a: Parameters<typeof query>) => (n++, query.apply(sql, a))) as typeof sql.query;
  sql.transaction = (fn) => {
    n += 2; // BEGIN, COMMIT
    return transaction.call(sql, (tx) =>
      fn({ ...tx, query: ((...a: Parameters<typeof tx.query>) => (n++, tx.query(...a))) as typeof tx.query }),
    );
  };
  return { count: () => n, restore: () => Object.assign(sql, { query, transaction }) };
}

export async function measureSmallRuns(
  app: App,
  executor: string,
  setFn: (f: TaskFunction) => void,
  { runs = 1_000, tasksPer = 10, maxParallel = 4, referenceParallel = 64 } = {},
): Promise<SmallRunsResult> {
  const n = runs * tasksPer;
  setFn(() => 1);
  const ref = await timeRun(app, {
    source: noopSource(n, nextPrefix("ref-")),
    options: { executor, maxParallel: referenceParallel, force: true },
  });
  const reference = { tasks: n, maxParallel: referenceParallel, tasksPerSec: n / (ref.totalMs / 1000) };
  log(`  one run of ${n} tasks at maxParallel ${referenceParallel}: ${reference.tasksPerSec.toFixed(0)} tasks/s`);

  const calledAt = new Map<string, number>();
  const firstInvoked = new Map<string, number>();
  const lastReturned = new Map<string, number>();
  const finishedAt = new Map<string, number>();
  setFn((req) => {
    const now = performance.now();
    if (!firstInvoked.has(req.runId)) firstInvoked.set(req.runId, now);
    lastReturned.set(req.runId, now);
    return 1;
  });
  let resolveAll!: () => void;
  const allFinished = new Promise<void>((r) => (resolveAll = r));
  const off = app.engine.bus.subscribe(topics.runChanges, (events) => {
    const now = performance.now();
    for (const e of events) {
      if (e.type !== "run.finished") continue;
      finishedAt.set(e.runId, now);
      if (finishedAt.size === runs) resolveAll();
    }
  });
  const statements = countStatements(app);
  const t0 = performance.now();
  try {
    const prefix = nextPrefix("small-");
    const started = await Promise.all(
      Array.from({ length: runs }, async (_, k) => {
        const at = performance.now();
        const { runId } = await app.engine.startRun({
          source: noopSource(tasksPer, `${prefix}${k}-`),
          options: { executor, maxParallel, force: true },
        });
        calledAt.set(runId, at);
        return runId;
      }),
    );
    await allFinished;
    const totalMs = performance.now() - t0;
    const statementsPerRun = statements.count() / runs;
    statements.restore();
    await Promise.all(started.map((id) => app.engine.waitForRun(id)));
    const firstDispatch = started.map((id) => firstInvoked.get(id)! - calledAt.get(id)!);
    const finish = started.map((id) => finishedAt.get(id)! - lastReturned.get(id)!);
    const r: SmallRunsResult = {
      runs,
      tasksPer,
      maxParallel,
      totalMs,
      tasksPerSec: n / (totalMs / 1000),
      runsPerSec: runs / (totalMs / 1000),
      reference,
      firstDispatch: { p50: quantile(firstDispatch, 0.5), p99: quantile(firstDispatch, 0.99) },
      finish: { p50: quantile(finish, 0.5), p99: quantile(finish, 0.99) },
      statementsPerRun,
    };
    log(
      `  ${runs} runs × ${tasksPer} tasks: ${r.tasksPerSec.toFixed(0)} tasks/s (${(r.tasksPerSec / reference.tasksPerSec).toFixed(2)}× the one run), ` +
        `${r.runsPerSec.toFixed(0)} runs/s; startRun → first dispatch p50 ${r.firstDispatch.p50.toFixed(1)} ms p99 ${r.firstDispatch.p99.toFixed(1)} ms; ` +
        `last task → run.finished p50 ${r.finish.p50.toFixed(1)} ms p99 ${r.finish.p99.toFixed(1)} ms; ${r.statementsPerRun.toFixed(2)} SQL statements per run`,
    );
    return r;
  } finally {
    statements.restore();
    off();
    setFn(() => 1);
  }
}
