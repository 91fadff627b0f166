// R: retention. How many bytes a task costs in the hot tables, and once its run is archived
// (every run folded into its archived_runs row); the database after N runs without a policy
// and with one pruning as the runs come (the runs' tables, after a plain VACUUM such as
// autovacuum does); and the no-op throughput row while a prune of many runs goes on,
// against the same run alone (alternated, median of ROUNDS).
import { performance } from "node:perf_hooks";
import type { App } from "../src/app.js";
import { pruneRuns } from "../src/engine/prune-runs.js";
import { InProcessExecutor } from "../src/executors/in-process.js";
import { nextPrefix, warmUp } from "./throughput.js";
import { freshStore, log, median, noopSource, openApp, STORE_LABEL, timeRun, type StoreKind } from "./support.js";

const ROUNDS = 5;
/** The bar: the no-op row while a prune goes on within 10 % of the row alone. */
const TARGET_RATIO = 0.9;
const TABLES = ["runs", "task_runs", "attempts", "run_event_pages", "checkpoints", "memo_cache", "archived_runs"];

export interface RetentionSizes {
  runs: number;
  tasksPerRun: number;
  keepRuns: number;
  pruneRuns: number;
  pruneTasksPerRun: number;
  noopTasks: number;
}

export interface RetentionRow {
  store: StoreKind;
  hotBytesPerTask: number;
  /** The same tables once every run is archived, per task. */
  archivedBytesPerTask: number;
  /** The archive rows' compressed parts alone, per task. */
  archiveOnlyBytesPerTask: number;
  bytesWithout: number;
  bytesWith: number;
  /** The no-op run alone and while the prune goes on, tasks/s (medians). */
  alone: number;
  duringPrune: number;
  /** How long the prune went on beside the no-op run in a round, and the runs it deleted (means; the deletion in flight when the run ended counts). */
  pruneMs: number;
  pruned: number;
}

async function tableBytes(app: App): Promise<number> {
  await app.db.sql.exec("VACUUM");
  const [r] = await app.db.sql.query<{ bytes: string }>(
    `SELECT sum(pg_total_relation_size(t::regclass))::text AS bytes FROM unnest($1::text[]) AS t`,
    [TABLES],
  );
  return Number(r!.bytes);
}

async function makeRuns(app: App, runs: number, tasks: number, afterEach?: () => Promise<void>): Promise<void> {
  for (let i = 0; i < runs; i++) {
    await timeRun(app, { source: noopSource(tasks, nextPrefix("ret")), options: { executor: "fn", maxParallel: 64, force: true } });
    await afterEach?.();
  }
}

async function withApp<T>(kind: StoreKind, fn: (app: App) => Promise<T>): Promise<T> {
  const store = await freshStore(kind);
  const exec = new InProcessExecutor(() => 1);
  const app = await openApp(store, { fn: () => exec });
  try {
    await warmUp(app, "fn");
    return await fn(app);
  } finally {
    await app.stop();
    await store.dispose();
  }
}

export async function measureRetention(kind: StoreKind, s: RetentionSizes): Promise<RetentionRow> {
  log(`retention, ${STORE_LABEL[kind]}: ${s.runs} runs of ${s.tasksPerRun} tasks, without a policy`);
  const { without, archived, archiveOnly } = await withApp(kind, async (app) => {
    await makeRuns(app, s.runs, s.tasksPerRun);
    const hot = await tableBytes(app);
    log(`retention, ${STORE_LABEL[kind]}: the same runs archived`);
    const report = await pruneRuns(app.retention, {
      policy: { keepRuns: 0 },
      action: "archive",
      now: Date.now() + 1_000,
      owner: app.engine.owner,
    });
    // the warm-up run is archived too
    if (report.archived.length < s.runs) throw new Error(`archived ${report.archived.length} of ${s.runs} runs`);
    return { without: hot, archived: await tableBytes(app), archiveOnly: report.archivedRows.bytes };
  });
  log(`retention, ${STORE_LABEL[kind]}: the same, keeping ${s.keepRuns} runs`);
  const withPolicy = await withApp(kind, async (app) => {
    // the policy applied as the runs come, as a server's pruner does
    await makeRuns(app, s.runs, s.tasksPerRun, async () => {
      await pruneRuns(app.retention, { policy: { keepRuns: s.keepRuns }, now: Date.now(), owner: app.engine.owner });
      // as autovacuum would, so the space freed is used again
      await app.db.sql.exec("VACUUM runs, task_runs, attempts, run_event_pages, checkpoints");
    });
    return tableBytes(app);
  });
  log(`retention, ${STORE_LABEL[kind]}: no-op throughput while a prune of ${s.pruneRuns} runs of ${s.pruneTasksPerRun} tasks goes on`);
  const during = await withApp(kind, async (app) => {
    const alone: number[] = [];
    const busy: number[] = [];
    let pruneMs = 0;
    let pruned = 0;
    // a no-op run is deleted once timed (at once, unpaced): the backlog holds only the runs made for it
    const noop = async () => {
      const t = await timeRun(app, {
        source: noopSource(s.noopTasks, nextPrefix("noop")),
        options: { executor: "fn", maxParallel: 64, force: true },
      });
      return { tasksPerSec: s.noopTasks / (t.totalMs / 1000), runId: t.runId };
    };
    const drop = (runId: string) => app.retention.deleteRun(runId, app.engine.owner);
    // the warm-up run is no part of the backlog either
    await pruneRuns(app.retention, { policy: { keepRuns: 0 }, now: Date.now() + 1_000, owner: app.engine.owner });
    // Each round: the backlog topped up to pruneRuns finished runs; the no-op run while a prune of
    // them goes on, stopped when the run ends (what it did not reach waits for the next round, as
    // with a background pass whose lease moved on); then the no-op run alone on the same tables.
    // A round that waited for the whole paced prune took minutes on the embedded store.
    for (let round = 0; round < ROUNDS; round++) {
      const backlog = (await app.retention.finishedRuns()).length;
      await makeRuns(app, Math.max(0, s.pruneRuns - backlog), s.pruneTasksPerRun);
      let running = true;
      const t0 = performance.now();
      // paced as the background pruner is (it waits 9 times as long as each run took to delete)
      const prune = pruneRuns(app.retention, {
        policy: { keepRuns: 0 },
        now: Date.now() + 1_000,
        owner: app.engine.owner,
        pace: 9,
        stillMine: () => Promise.resolve(running),
      }).then((r) => (pruned += r.deleted.length));
      const beside = await noop();
      running = false;
      pruneMs += performance.now() - t0;
      await prune;
      busy.push(beside.tasksPerSec);
      await drop(beside.runId);
      const lone = await noop();
      alone.push(lone.tasksPerSec);
      await drop(lone.runId);
    }
    return { alone: median(alone), duringPrune: median(busy), pruneMs: pruneMs / ROUNDS, pruned: pruned / ROUNDS };
  });
  return {
    store: kind,
    hotBytesPerTask: without / (s.runs * s.tasksPerRun),
    archivedBytesPerTask: archived / (s.runs * s.tasksPerRun),
    archiveOnlyBytesPerTask: archiveOnly / (s.runs * s.tasksPerRun),
    bytesWithout: without,
    bytesWith: withPolicy,
    ...during,
  };
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export function renderRetentionTable(rows: RetentionRow[], s: RetentionSizes, errors: string[]): string {
  const lines = [
    `Retention: ${s.runs} runs of ${s.tasksPerRun} no-op tasks; the runs' tables (${TABLES.join(", ")}) after a plain VACUUM. ` +
      `"archived": the same runs, every one archived (the tables, then the archive rows alone). "with policy" keeps ${s.keepRuns} runs, pruned (and vacuumed, as autovacuum would) after each run. Throughput: a run of ${s.noopTasks} no-op tasks at maxParallel 64, ` +
      `alone and while a prune of ${s.pruneRuns} finished runs of ${s.pruneTasksPerRun} tasks goes on at the background pruner's pace (9; stopped when the run ends, the backlog topped up again before the next round), then alone, median of ${ROUNDS} rounds.`,
    "",
    "| store | bytes per task (hot) | bytes per task (archived) | of which the archive | size without policy | size with policy | no-op alone | no-op during prune | ratio | pruned meanwhile (mean per round) | target | verdict |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${STORE_LABEL[r.store]} | ${r.hotBytesPerTask.toFixed(0)} B | ${r.archivedBytesPerTask.toFixed(0)} B | ${r.archiveOnlyBytesPerTask.toFixed(0)} B | ${mib(r.bytesWithout)} | ${mib(r.bytesWith)} | ${r.alone.toFixed(0)} tasks/s | ` +
        `${r.duringPrune.toFixed(0)} tasks/s | ${((r.duringPrune / r.alone) * 100).toFixed(0)} % | ${Math.round(r.pruned)} runs in ${(r.pruneMs / 1000).toFixed(2)} s | ≥ ${TARGET_RATIO * 100} % | ${r.duringPrune >= TARGET_RATIO * r.alone ? "**met**" : "**not met**"} |`,
    );
  }
  for (const e of errors) lines.push("", `- ${e}`);
  return lines.join("\n");
}
