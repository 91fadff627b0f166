// R. Many active runs: `runs` runs of one long task each, active at once in one
// process on PostgreSQL (bench/active-runs-child.ts). What keeping them costs:
// heap per active run, the rows written per second to keep their leases (read from
// PostgreSQL's statistics over the window), and the process's CPU meanwhile; then a
// kill -9 and a new process: the time until every run's task runs again.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { collectChild, freshStore, log, spawnBenchChild } from "./support.js";

export interface ActiveRunsResult {
  runs: number;
  heapPerRun: number;
  rssPerRun: number;
  windowSec: number;
  cpuShare: number;
  /** Rows of `runs` updated per second over the window (lease renewals: nothing else writes). */
  rowWritesPerSec: number;
  /** Transactions committed per second on the database over the window. */
  commitsPerSec: number;
  /** The new process: start → every task running again; and store open → every task running. */
  recoveryMs: number;
  recoveryFromOpenMs: number;
  /** The store calls the new process made until then: how many, and their summed time. */
  calls: Record<string, { n: number; ms: number }>;
}

async function stats(databaseUrl: string): Promise<{ upd: number; commits: number }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    // a fresh snapshot of the statistics, not the transaction's cached one
    await c.query("SELECT pg_stat_clear_snapshot()");
    const [t] = (await c.query<{ upd: string }>("SELECT n_tup_upd AS upd FROM pg_stat_user_tables WHERE relname = 'runs'")).rows;
    const [d] = (
      await c.query<{ commits: string }>("SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()")
    ).rows;
    return { upd: Number(t?.upd ?? 0), commits: Number(d?.commits ?? 0) };
  } finally {
    await c.end();
  }
}

function waitForLine<T>(child: ReturnType<typeof spawnBenchChild>, prefix: string, done: ReturnType<typeof collectChild>): Promise<T> {
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (chunk: Buffer | string) => {
      buf += String(chunk);
      const line = buf.split("\n").find((l) => l.startsWith(`${prefix} `));
      if (line) resolve(JSON.parse(line.slice(prefix.length + 1)) as T);
    });
    void done.then((r) => reject(new Error(`child ended (${r.code ?? r.signal}) before ${prefix}\n${r.stderr.slice(-3000)}`)));
  });
}

export async function measureActiveRuns({ runs = 10_000, windowMs = 30_000 } = {}): Promise<ActiveRunsResult> {
  const store = await freshStore("postgres");
  const databaseUrl = store.config.databaseUrl!;
  try {
    const env = { DATABASE_URL: databaseUrl, BENCH_RUNS: String(runs), BENCH_WINDOW_MS: String(windowMs) };
    const starter = spawnBenchChild("active-runs-child", { ...env, BENCH_ROLE: "start" });
    const startDone = collectChild(starter);
    const heapLine = waitForLine<{ heapPerRun: number; rssPerRun: number }>(starter, "HEAP", startDone);
    const upkeepLine = waitForLine<{ cpuShare: number; windowSec: number }>(starter, "UPKEEP", startDone);
    const heap = await heapLine;
    // PostgreSQL publishes a backend's statistics at most once a second: the window is long against that
    const before = await stats(databaseUrl);
    const t0 = performance.now();
    const upkeep = await upkeepLine;
    const after = await stats(databaseUrl);
    const sec = (performance.now() - t0) / 1000;
    starter.kill("SIGKILL");
    await startDone;
    const recoverer = spawnBenchChild("active-runs-child", { ...env, BENCH_ROLE: "recover" });
    const recoverDone = collectChild(recoverer);
    const driven = await waitForLine<{ fromProcessStart: number; fromStoreOpen: number; calls: ActiveRunsResult["calls"] }>(
      recoverer,
      "DRIVEN",
      recoverDone,
    );
    await recoverDone;
    const r: ActiveRunsResult = {
      runs,
      heapPerRun: heap.heapPerRun,
      rssPerRun: heap.rssPerRun,
      windowSec: upkeep.windowSec,
      cpuShare: upkeep.cpuShare,
      rowWritesPerSec: (after.upd - before.upd) / sec,
      commitsPerSec: (after.commits - before.commits) / sec,
      recoveryMs: driven.fromProcessStart,
      recoveryFromOpenMs: driven.fromStoreOpen,
      calls: driven.calls,
    };
    log(
      `  ${runs} active runs: heap ${(r.heapPerRun / 1024).toFixed(1)} KB/run (RSS ${(r.rssPerRun / 1024).toFixed(1)} KB/run); ` +
        `upkeep over ${r.windowSec.toFixed(0)} s: ${(100 * r.cpuShare).toFixed(1)}% of a core, ${r.rowWritesPerSec.toFixed(0)} rows written/s, ${r.commitsPerSec.toFixed(1)} commits/s; ` +
        `after kill -9, every run driven again ${r.recoveryMs.toFixed(0)} ms after the new process started (${r.recoveryFromOpenMs.toFixed(0)} ms after the store opened); store calls ${Object.entries(
          r.calls,
        )
          .map(([k, c]) => `${k} ${c.n}× ${c.ms.toFixed(0)} ms`)
          .join(", ")}`,
    );
    return r;
  } finally {
    await store.dispose();
  }
}
