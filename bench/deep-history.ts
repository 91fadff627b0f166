// H. Deep history, on PostgreSQL: an events table holding millions of events of
// finished runs, and one 100,000-task run among them. Its events are replayed
// to one graphql-ws client (runEvents from 0), a page of 256 is read through the
// store's own read (src/storage/run-events.ts) at random positions, the runs list
// is asked with status filters over HTTP, and the hot queries are EXPLAINed.
//
// The history is written by set-based SQL: a 1,000-task run is really run first,
// and its pages (real event shapes) are copied to thousands of finished runs of
// 1 to 8 pages each, with runs rows to match (statuses mixed, created over 30
// days). Half is written before the big run and half after, so its pages sit
// among the others. Task rows are not copied: no measured query reads them.
import { performance } from "node:perf_hooks";
import { Agent } from "node:http";
import { createClient } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { InProcessExecutor } from "../src/executors/in-process.js";
import { readEvents } from "../src/storage/run-events.js";
import { graphql, ServerProcess } from "./api-harness.js";
import { freshStore, log, noopSource, openApp, quantile, timeRun } from "./support.js";

export interface DeepHistoryResult {
  events: number;
  pageRows: number;
  runs: number;
  fillSeconds: number;
  vacuumSeconds: number;
  bigRun: { tasks: number; events: number };
  replay: { events: number; seconds: number; eventsPerSec: number };
  /** The storage's share: every event read in pages of 256 (readEvents), in this process. */
  storageReplay: { events: number; seconds: number; eventsPerSec: number };
  /** The same through runEventBatches (lists of events a message). */
  replayBatches: { events: number; seconds: number; eventsPerSec: number };
  pageRead: { reads: number; p50: number; p99: number };
  runsQuery: { filter: string; requests: number; p50: number; p99: number }[];
  sizes: { table: string; rows: number; bytes: number }[];
  plans: { query: string; ms: number; scans: string; seqScan: boolean }[];
}

const RUNS_QUERY = `query($s: [RunStatus!]) { runs(first: 50, status: $s) { edges { node { id status createdAt } } } }`;
const FILTERS: (string[] | null)[] = [null, ["SUCCEEDED"], ["FAILED"], ["FAILED", "CANCELLED", "TIMED_OUT"], ["RUNNING", "PENDING"]];

// The copied history: run `g` gets the template's first k pages (k in 1..$4), ending
// at the k-th page's last event, so its sequence numbers are gapless as a real run's
const HISTORY = `
WITH tpl AS (SELECT row_number() OVER (ORDER BY first_seq)::int AS n, first_seq, last_seq, events FROM run_event_pages WHERE run_id = $3),
src AS (SELECT options, source FROM runs WHERE id = $3),
made AS (
  INSERT INTO runs (id, status, options, source, total, succeeded, failed, cancelled, last_seq, created_at, started_at, finished_at, updated_at)
  SELECT 'hist-' || lpad(g::text, 8, '0'), st, src.options, src.source, tasks,
         CASE WHEN st = 'succeeded' THEN tasks ELSE tasks - 1 END, CASE WHEN st IN ('failed', 'completed_with_failures') THEN 1 ELSE 0 END,
         CASE WHEN st IN ('cancelled', 'timed_out') THEN 1 ELSE 0 END, last, at, at, at + interval '1 minute', at + interval '1 minute'
  FROM generate_series($1::int, $2::int) g, src,
       LATERAL (SELECT 1 + (g * 7919) % $4::int AS k, now() - interval '30 days' + g * interval '100 ms' AS at,
                       CASE g % 50 WHEN 0 THEN 'failed' WHEN 1 THEN 'failed' WHEN 2 THEN 'cancelled' WHEN 3 THEN 'completed_with_failures'
                                   WHEN 4 THEN 'timed_out' ELSE 'succeeded' END AS st) x,
       LATERAL (SELECT last_seq AS last, greatest(1, last_seq / 2) AS tasks FROM tpl WHERE n = x.k) y
  RETURNING id, last_seq, created_at)
INSERT INTO run_event_pages (run_id, first_seq, last_seq, events, created_at)
SELECT made.id, tpl.first_seq, tpl.last_seq, tpl.events, made.created_at FROM made JOIN tpl ON tpl.last_seq <= made.last_seq`;

// The store's read (run-events.ts) and the runs list as Prisma sends it (runs.ts listRuns)
const PAGE_READ = `SELECT events FROM run_event_pages WHERE run_id = $1 AND first_seq > $2::int - 256 AND first_seq <= $2::bigint + $3::bigint AND last_seq > $2::int ORDER BY first_seq`;
const LIST_RUNS = (statuses: string[] | null) =>
  `SELECT id, status, created_at FROM runs ${statuses ? `WHERE status IN (${statuses.map((s) => `'${s}'`).join(", ")})` : ""} ORDER BY created_at DESC, id DESC LIMIT 51 OFFSET 0`;

export async function measureDeepHistory({
  events: target,
  reads = 2_000,
  requests = 300,
  bigTasks = 100_000,
}: {
  events: number;
  reads?: number;
  requests?: number;
  bigTasks?: number;
}): Promise<DeepHistoryResult> {
  const store = await freshStore("postgres");
  const exec = new InProcessExecutor(() => 1);
  const app = await openApp(store, { fn: () => exec });
  const db = new pg.Client({ connectionString: store.config.databaseUrl });
  await db.connect();
  let server: ServerProcess | undefined;
  try {
    const tpl = await timeRun(app, { source: noopSource(1_000, "tpl-"), options: { executor: "fn", maxParallel: 64, force: true } });
    // a history run holds the template's first k pages, k spread evenly over 1..maxPages
    const ends = (
      await db.query<{ last_seq: number }>("SELECT last_seq FROM run_event_pages WHERE run_id = $1 ORDER BY first_seq", [tpl.runId])
    ).rows.map((r) => r.last_seq);
    const maxPages = Math.min(8, ends.length);
    const perRun = ends.slice(0, maxPages).reduce((a, b) => a + b, 0) / maxPages;
    const historyRuns = Math.max(1, Math.round(target / perRun));
    const fill = async (from: number, to: number) => {
      for (let g = from; g <= to; g += 1_000) await db.query(HISTORY, [g, Math.min(to, g + 999), tpl.runId, maxPages]);
    };
    let t = performance.now();
    await fill(1, Math.floor(historyRuns / 2));
    let fillMs = performance.now() - t;
    log(`  history: ${Math.floor(historyRuns / 2)} runs in ${(fillMs / 1000).toFixed(1)} s; now the ${bigTasks}-task run`);
    const big = await timeRun(app, { source: noopSource(bigTasks, "big-"), options: { executor: "fn", maxParallel: 64, force: true } });
    const [{ last_seq: bigEvents }] = (await db.query<{ last_seq: number }>("SELECT last_seq FROM runs WHERE id = $1", [big.runId]))
      .rows as [{ last_seq: number }];
    log(`  ${bigTasks}-task run: ${bigEvents} events in ${(big.totalMs / 1000).toFixed(1)} s`);
    t = performance.now();
    await fill(Math.floor(historyRuns / 2) + 1, historyRuns);
    fillMs += performance.now() - t;
    // what autovacuum does on a live database, done now so the plans are the steady state's
    t = performance.now();
    await db.query("VACUUM ANALYZE run_event_pages");
    await db.query("VACUUM ANALYZE runs");
    const vacuumSeconds = (performance.now() - t) / 1000;
    type Count = { events: number; pages: number };
    const [counts] = (
      await db.query<Count>("SELECT sum(last_seq - first_seq + 1)::bigint::float8 AS events, count(*)::int AS pages FROM run_event_pages")
    ).rows as [Count];
    const runs = Number((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM runs")).rows[0]!.n);
    log(
      `  filled: ${counts.events} events in ${counts.pages} pages, ${runs} runs; fill ${(fillMs / 1000).toFixed(1)} s, vacuum analyze ${vacuumSeconds.toFixed(1)} s`,
    );

    // (b) a page of 256 through the store's read, at random positions of the big run
    const pageMs: number[] = [];
    for (let i = 0; i < reads; i++) {
      const after = Math.floor(Math.random() * (bigEvents - 256));
      const t0 = performance.now();
      const got = await readEvents(app.db.sql, big.runId, after, 256);
      pageMs.push(performance.now() - t0);
      if (got.length !== 256 || got[0]!.seq !== after + 1) throw new Error(`read after ${after}: ${got.length} events from ${got[0]?.seq}`);
    }
    // the storage's share of a replay: every event of the big run, page after page, in this process
    const t1 = performance.now();
    for (let after = 0; after < bigEvents;) after = (await readEvents(app.db.sql, big.runId, after, 256)).at(-1)!.seq;
    const storageReplay = {
      events: bigEvents,
      seconds: (performance.now() - t1) / 1000,
      eventsPerSec: bigEvents / ((performance.now() - t1) / 1000),
    };
    log(`  storage alone: ${bigEvents} events read in pages of 256 in ${storageReplay.seconds.toFixed(2)} s`);
    const pageRead = { reads, p50: quantile(pageMs, 0.5), p99: quantile(pageMs, 0.99) };
    log(`  page of 256: p50 ${pageRead.p50.toFixed(2)} ms, p99 ${pageRead.p99.toFixed(2)} ms`);
    await app.stop();

    // (a) replay to one graphql-ws client of a real server
    server = await ServerProcess.start({ DATABASE_URL: store.config.databaseUrl!, BENCH_TASK_MS: "0" });
    const replay = await replayAll(server.url, big.runId, bigEvents);
    log(`  replay: ${replay.events} events in ${replay.seconds.toFixed(2)} s = ${replay.eventsPerSec.toFixed(0)}/s`);
    const replayBatches = await replayAll(server.url, big.runId, bigEvents, true);
    log(
      `  replay in batches: ${replayBatches.events} events in ${replayBatches.seconds.toFixed(2)} s = ${replayBatches.eventsPerSec.toFixed(0)}/s`,
    );

    // (c) the runs list over HTTP, one request at a time
    const runsQuery = await runsList(server.url, requests);
    // (d) sizes and plans
    const sizes = [];
    for (const table of ["run_event_pages", "runs", "task_runs"]) {
      type Size = { rows: number; bytes: number };
      const [s] = (
        await db.query<Size>(`SELECT count(*)::float8 AS rows, pg_total_relation_size('${table}')::float8 AS bytes FROM ${table}`)
      ).rows as [Size];
      sizes.push({ table, ...s });
    }
    const explain = async (label: string, sqlText: string, params: unknown[] = []) => {
      const plan = (await db.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sqlText}`, params)).rows.map(
        (r) => r["QUERY PLAN"],
      );
      const scans = plan
        .map((l) => /(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan)(?: Backward)?(?: using \S+)? on (\S+)/.exec(l))
        .filter((m) => m !== null);
      const ms = Number(/Execution Time: ([\d.]+)/.exec(plan.join("\n"))?.[1] ?? NaN);
      log(`  EXPLAIN ${label}:\n    ${plan.join("\n    ")}`);
      return {
        query: label,
        ms,
        scans: [...new Set(scans.map((m) => m[0]))].join("; "),
        seqScan: scans.some((m) => m[1] === "Seq Scan" && /^(run_event_pages|runs)$/.test(m[2]!)),
      };
    };
    const plans = [await explain("page of 256 (run-events.ts readEvents)", PAGE_READ, [big.runId, Math.floor(bigEvents / 2), 256])];
    const listPlans = async (label: string) => {
      for (const s of FILTERS)
        plans.push(
          await explain(`runs list, status ${s ? s.join(", ") : "any"}${label}`, LIST_RUNS(s?.map((x) => x.toLowerCase()) ?? null)),
        );
    };
    await listPlans("");
    // before: the runs indexes as they were before migration 20261207130000, same data, same server
    await db.query(
      "DROP INDEX runs_status_created_at_id_idx; DROP INDEX runs_created_at_id_idx; CREATE INDEX runs_status_idx ON runs (status); ANALYZE runs",
    );
    const before = " (before: index on status only)";
    runsQuery.push(...(await runsList(server.url, requests, before)));
    await listPlans(before);
    return {
      events: counts.events,
      pageRows: counts.pages,
      runs,
      fillSeconds: fillMs / 1000,
      vacuumSeconds,
      bigRun: { tasks: bigTasks, events: bigEvents },
      replay,
      replayBatches,
      storageReplay,
      pageRead,
      runsQuery,
      sizes,
      plans,
    };
  } finally {
    await server?.close();
    await app.stop().catch(() => undefined);
    await db.end();
    await store.dispose();
  }
}

/** runs(first: 50) with each filter over HTTP, one request at a time after 20 to warm up. */
async function runsList(url: string, requests: number, label = ""): Promise<DeepHistoryResult["runsQuery"]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const out = [];
  for (const s of FILTERS) {
    const ms: number[] = [];
    for (let i = 0; i < requests + 20; i++) {
      const t0 = performance.now();
      await graphql(agent, url, RUNS_QUERY, s ? { s } : {});
      if (i >= 20) ms.push(performance.now() - t0);
    }
    out.push({ filter: `${s ? s.join(", ") : "none"}${label}`, requests, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) });
    log(
      `  runs(first: 50, status: ${out.at(-1)!.filter}): p50 ${quantile(ms, 0.5).toFixed(2)} ms, p99 ${quantile(ms, 0.99).toFixed(2)} ms`,
    );
  }
  agent.destroy();
  return out;
}

/** Subscribes to runEvents (or runEventBatches) from 0 and counts events until the last one. */
async function replayAll(url: string, runId: string, expected: number, batches = false): Promise<DeepHistoryResult["replay"]> {
  const client = createClient({ url: `${url.replace(/^http/, "ws")}/graphql`, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
  try {
    // the connection is open before the clock starts
    await new Promise<void>((resolve, reject) => {
      client.on("connected", () => resolve());
      client.on("error", reject);
    });
    let seen = 0;
    let last = 0;
    const t0 = performance.now();
    const field = batches ? "runEventBatches" : "runEvents";
    type Seq = { seq: number };
    const messages = client.iterate<Record<string, Seq | Seq[]>>({
      query: `subscription($id: ID!) { ${field}(runId: $id, after: 0, untilFinished: true) { seq type } }`,
      variables: { id: runId },
    });
    for await (const r of messages) {
      const got = r.data?.[field];
      for (const e of Array.isArray(got) ? got : [got]) {
        if (e?.seq !== last + 1) throw new Error(`replay: seq ${e?.seq} after ${last}`);
        last = e.seq;
        seen++;
      }
      if (seen === expected) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    if (seen !== expected) throw new Error(`replay ended after ${seen} of ${expected} events`);
    return { events: seen, seconds, eventsPerSec: seen / seconds };
  } finally {
    await client.dispose();
  }
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const f = (ms: number) => `${ms.toFixed(2)} ms`;
const verdict = (ok: boolean) => (ok ? "met" : "**not met**");

export function renderDeepHistoryTable(r: DeepHistoryResult | undefined, errors: string[]): string {
  const rows: string[][] = [];
  if (r) {
    const events = r.events.toLocaleString("en-US");
    rows.push([
      `history: ${events} events of ${r.runs.toLocaleString("en-US")} runs, in ${r.pageRows.toLocaleString("en-US")} page rows (up to 256 events a row); written by set-based SQL`,
      `${r.fillSeconds.toFixed(1)} s`,
      `+ VACUUM ANALYZE ${r.vacuumSeconds.toFixed(1)} s; ${r.sizes.map((s) => `${s.table} ${mib(s.bytes)} (${s.rows.toLocaleString("en-US")} rows)`).join(", ")}`,
      "",
      "",
    ]);
    rows.push([
      `runEvents(after: 0) of a ${r.bigRun.tasks.toLocaleString("en-US")}-task run (${r.bigRun.events.toLocaleString("en-US")} events) to one graphql-ws client, until caught up`,
      `${r.replay.eventsPerSec.toFixed(0)} events/s`,
      `${r.replay.seconds.toFixed(2)} s`,
      "≥ 50,000 events/s",
      verdict(r.replay.eventsPerSec >= 50_000),
    ]);
    rows.push([
      `the same through runEventBatches (lists of events a message)`,
      `${r.replayBatches.eventsPerSec.toFixed(0)} events/s`,
      `${r.replayBatches.seconds.toFixed(2)} s`,
      "",
      "",
    ]);
    rows.push([
      `the storage alone: every event of that run read in pages of 256 (readEvents), one after another`,
      `${r.storageReplay.eventsPerSec.toFixed(0)} events/s`,
      `${r.storageReplay.seconds.toFixed(2)} s`,
      "",
      "",
    ]);
    rows.push([
      `a page of 256 events (readEvents), ${r.pageRead.reads} random positions`,
      `p50 ${f(r.pageRead.p50)}, p99 ${f(r.pageRead.p99)}`,
      "",
      "p99 ≤ 10 ms",
      verdict(r.pageRead.p99 <= 10),
    ]);
    for (const q of r.runsQuery)
      rows.push([
        `runs(first: 50, status: ${q.filter}) over HTTP, ${q.requests} requests`,
        `p50 ${f(q.p50)}, p99 ${f(q.p99)}`,
        "",
        "p99 ≤ 20 ms",
        verdict(q.p99 <= 20),
      ]);
    for (const p of r.plans)
      rows.push([
        `plan: ${p.query}`,
        p.scans,
        `${f(p.ms)} in EXPLAIN ANALYZE`,
        "no Seq Scan on run_event_pages or runs",
        verdict(!p.seqScan),
      ]);
  }
  for (const e of errors) rows.push([`FAILED: ${e}`, "", "", "", ""]);
  return [
    "| deep history (PostgreSQL) | measured | beside it | target | verdict |",
    "|---|---|---|---|---|",
    ...rows.map((c) => `| ${c.join(" | ")} |`),
  ].join("\n");
}
