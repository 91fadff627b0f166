// The benchmark: `npm run bench` (add `--quick` for smaller sizes). Prints ONE
// markdown table to stdout, and the API's second one when its sections run
// (progress goes to stderr). Writes nothing unless `--write <file>`, which puts
// the machine, the command and each table between its markers in that file
// (creating it if needed) and keeps the text around them.
//
// Flags: --quick · --write <file> · --only <sections> · --stores pglite,postgres · --json <file>
// Sections: ceiling, throughput, chain, small-runs, process, memory, resume, active-runs (PostgreSQL), bullmq, retention, and the API's
// api-ws, api-replicas, api-lag (A2's batched row beside a CPU hog), api-progress, api-callers (servers in child processes on PostgreSQL), which
// print a second table and write it between their own markers; eta (the ETA's accuracy
// over replayed runs, simulated time), logs (live task logs: a noisy task's cost to its
// run, line latency), dashboard (the web page in headless Chromium: paint, layout, main
// thread under events), tracing (the no-op run with OpenTelemetry tracing off and on,
// PostgreSQL), deep-history (replay and reads among millions of events, PostgreSQL),
// retention (database size and a prune beside a run) and startup (whole `conveyor run`
// processes under GNU time) print tables of their own, between their own markers.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { App } from "../src/app.js";
import { InProcessExecutor, type TaskFunction } from "../src/executors/in-process.js";
import { measureBareHttp, measureBareWs } from "./api-bare.js";
import { measureEvents } from "./api-events.js";
import { measureLagUnderHog } from "./api-lag.js";
import { measureEtaAccuracy, renderEtaTable, type EtaAccuracy } from "./eta-accuracy.js";
import { measureProgress } from "./api-progress.js";
import { measureCallers } from "./api-callers.js";
import { renderApiTable, type ApiResults } from "./api-table.js";
import { BullBench, bullmqAvailable, REDIS_URL } from "./bullmq.js";
import { measureCeiling } from "./ceiling.js";
import { measureChain } from "./handoff.js";
import { measureMemory } from "./memory.js";
import { measureProcessExecutor } from "./process-executor.js";
import { measureResume } from "./resume.js";
import { measureActiveRuns } from "./active-runs.js";
import { measureSmallRuns } from "./small-runs.js";
import { measureLiveLogs, renderLogsTable, type LogBenchResult } from "./live-logs.js";
import { measureDashboard, renderDashboardTable, type DashboardResult } from "./dashboard.js";
import { measureDeepHistory, renderDeepHistoryTable, type DeepHistoryResult } from "./deep-history.js";
import { measureStartup, renderStartupTable, type StartupResults } from "./startup.js";
import { measureRetention, renderRetentionTable, type RetentionRow, type RetentionSizes } from "./retention.js";
import {
  adminQuery,
  freshStore,
  killChildren,
  log,
  openApp,
  POSTGRES_ADMIN_URL,
  postgresReachable,
  STORE_KINDS,
  STORE_LABEL,
  type BenchStore,
  type StoreKind,
} from "./support.js";
import { renderTable, type BenchResults, type StoreResults } from "./table.js";
import { measureThroughput, warmUp } from "./throughput.js";
import { measureTracing, renderTracingTable, type TracingRow } from "./tracing.js";

const SECTIONS = [
  "ceiling",
  "throughput",
  "chain",
  "small-runs",
  "process",
  "memory",
  "resume",
  "active-runs",
  "bullmq",
  "api-ws",
  "api-replicas",
  "api-lag",
  "api-progress",
  "api-callers",
  "eta",
  "logs",
  "dashboard",
  "tracing",
  "startup",
  "retention",
  "deep-history",
] as const;
type Section = (typeof SECTIONS)[number];
const API_SECTIONS: Section[] = ["api-ws", "api-replicas", "api-lag", "api-progress", "api-callers"];
/** Sections with a table of their own, outside the store table. */
const OWN_TABLE: Section[] = [...API_SECTIONS, "eta", "logs", "dashboard", "tracing", "startup", "retention", "deep-history"];

function parseArgs(argv: string[]) {
  const out = {
    quick: false,
    write: undefined as string | undefined,
    json: undefined as string | undefined,
    only: new Set<Section>(SECTIONS),
    stores: [...STORE_KINDS],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") out.quick = true;
    else if (a === "--write") out.write = value();
    else if (a === "--json") out.json = value();
    else if (a === "--only") {
      const want = value()
        .split(",")
        .map((s) => s.trim());
      for (const w of want)
        if (!(SECTIONS as readonly string[]).includes(w)) throw new Error(`unknown section ${w} (${SECTIONS.join(", ")})`);
      out.only = new Set(want as Section[]);
    } else if (a === "--stores")
      out.stores = value()
        .split(",")
        .map((s) => s.trim()) as StoreKind[];
    else if (a === "--help" || a === "-h") {
      process.stdout.write(
        `usage: npm run bench -- [--quick] [--write docs/benchmarks.md] [--only ${SECTIONS.join(",")}] [--stores pglite,postgres] [--json file]\n`,
      );
      process.exit(0);
    } else throw new Error(`unknown flag ${a}`);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const sizes = args.quick
  ? {
      tasks: 1_000,
      parallels: [1, 8, 64],
      chain: 200,
      memory: [5_000],
      memoryCapMs: 8_000,
      resume: 1_000,
      ceilingSeconds: 1,
      processTasks: 20,
      processParallels: [1, 8],
    }
  : {
      tasks: 10_000,
      parallels: [1, 8, 64],
      chain: 1_000,
      memory: [1_000, 100_000],
      memoryCapMs: 60_000,
      resume: 10_000,
      ceilingSeconds: 3,
      processTasks: 200,
      processParallels: [1, 8],
    };
// the API's: the target's event rate and a low one, at which a single event's fan-out shows alone
const api = args.quick
  ? {
      subscribers: 100,
      tasks: 1_000,
      eventRates: [1_000, 10],
      windowMs: 10_000,
      bareMs: 5_000,
      clients: 50,
      pollMs: [0, 100, 1_000],
      queryWarmupMs: 1_000,
      queryMs: 5_000,
      callers: 200,
    }
  : {
      subscribers: 1_000,
      tasks: 10_000,
      eventRates: [1_000, 10],
      windowMs: 30_000,
      bareMs: 10_000,
      clients: 200,
      pollMs: [0, 50, 100, 250, 1_000],
      queryWarmupMs: 3_000,
      queryMs: 10_000,
      callers: 200,
    };

const stores = new Set<BenchStore>();
let interrupted = false;
const onSignal = (sig: NodeJS.Signals) => {
  if (interrupted) return;
  interrupted = true;
  log(`${sig}: cleaning up`);
  killChildren();
  void Promise.allSettled([...stores].map((s) => s.dispose())).finally(() => process.exit(130));
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

async function section<T>(name: Section, errors: string[], fn: () => Promise<T>): Promise<T | undefined> {
  if (!args.only.has(name) || interrupted) return undefined;
  try {
    return await fn();
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n").slice(0, 3).join(" ") : String(err);
    log(`  ${name} FAILED: ${msg}`);
    errors.push(`${name}: ${msg}`);
    return undefined;
  }
}

const started = performance.now();
const machine: Record<string, string> = {
  cpus: `${availableParallelism()} × ${cpus()[0]?.model ?? "?"}`,
  memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  node: process.version,
};
const pkgVersion = (name: string) => {
  // read the file: some packages (PGlite) do not export their package.json
  for (const up of ["../", "../../"]) {
    // bench/ through tsx, or dist/bench/ when compiled
    const file = fileURLToPath(new URL(`${up}node_modules/${name}/package.json`, import.meta.url));
    if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  }
  return "not installed";
};
machine.packages = `@electric-sql/pglite ${pkgVersion("@electric-sql/pglite")}, @prisma/client ${pkgVersion("@prisma/client")}, pg ${pkgVersion("pg")}, bullmq ${pkgVersion("bullmq")}, ioredis ${pkgVersion("ioredis")}`;

const results: BenchResults = {
  sizes: {
    tasks: sizes.tasks,
    parallels: sizes.parallels,
    chain: sizes.chain,
    memory: sizes.memory,
    resume: sizes.resume,
    processTasks: sizes.processTasks,
    processParallels: sizes.processParallels,
  },
  stores: {},
};
const needsStore = (["ceiling", "throughput", "chain", "small-runs"] as Section[]).some((s) => args.only.has(s));

// the machine is shared: keep an eye on its load while we measure
const loads: number[] = [loadavg()[0]!];
const loadTimer = setInterval(() => loads.push(loadavg()[0]!), 5_000);
loadTimer.unref();

interface Live {
  kind: StoreKind;
  store: BenchStore;
  app: App;
  setFn: (f: TaskFunction) => void;
  sr: StoreResults;
}
const live: Live[] = [];
const usable: StoreKind[] = [];
for (const kind of args.stores) {
  const sr: StoreResults = { errors: [] };
  results.stores[kind] = sr;
  if (kind === "postgres") {
    const v = await postgresReachable();
    if (!v) {
      sr.errors.push(`PostgreSQL unreachable at ${POSTGRES_ADMIN_URL} (set CONVEYOR_BENCH_POSTGRES_URL)`);
      continue;
    }
    const settings = await adminQuery<{ name: string; setting: string }>(
      "SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['synchronous_commit','fsync','wal_sync_method','shared_buffers']) AS name",
    );
    machine.postgres = `PostgreSQL ${v} (${settings.map((x) => `${x.name}=${x.setting}`).join(", ")})`;
  }
  usable.push(kind);
  if (!needsStore || interrupted) continue;
  const store = await freshStore(kind);
  stores.add(store);
  let fn: TaskFunction = () => 1;
  const exec = new InProcessExecutor((r) => fn(r));
  const t = performance.now();
  const app = await openApp(store, { fn: () => exec });
  log(`${STORE_LABEL[kind]}: fresh store opened in ${(performance.now() - t).toFixed(0)} ms`);
  if (kind === "pglite") {
    const [row] = await app.db.sql.query<{ version: string }>("SELECT version()");
    machine.pglite = `PGlite ${pkgVersion("@electric-sql/pglite")} (${row?.version.split(",")[0] ?? "?"}; WASM inside the Node process)`;
  }
  await warmUp(app, "fn");
  live.push({ kind, store, app, setFn: (f) => (fn = f), sr });
}

let bull: BullBench | undefined;
if (args.only.has("bullmq") && !interrupted) {
  const why = await bullmqAvailable();
  if (why) {
    results.bullmqError = why;
    log(`BullMQ skipped: ${why}`);
  } else {
    bull = new BullBench();
    try {
      await bull.open();
      results.bullmq = { version: bull.version, redisVersion: bull.redisVersion, queue: [] };
      machine.redis = `redis-server ${bull.redisVersion} (BullMQ ${bull.version}, no persistence configured here)`;
    } catch (err) {
      results.bullmqError = String(err);
      bull = undefined;
    }
  }
}
const bullSection = async <T>(fn: (b: BullBench) => Promise<T>): Promise<T | undefined> => {
  if (!bull || interrupted) return undefined;
  try {
    return await fn(bull);
  } catch (err) {
    results.bullmqError = String(err).split("\n")[0];
    log(`  bullmq FAILED: ${results.bullmqError}`);
    return undefined;
  }
};

try {
  // 1, 6, 7: each concurrency measured back to back on BullMQ and both stores,
  // the ceiling right before the highest one, so the ratios share the machine's mood
  const top = Math.max(...sizes.parallels);
  for (const mp of sizes.parallels) {
    if (live.length > 0 || bull) log(`maxParallel / concurrency ${mp}`);
    if (mp === top)
      for (const l of live) l.sr.ceiling = await section("ceiling", l.sr.errors, () => measureCeiling(l.app.db, sizes.ceilingSeconds));
    if (args.only.has("throughput")) {
      const b = await bullSection((b) => b.queue(mp, sizes.tasks));
      if (b) results.bullmq!.queue.push(b);
    }
    for (const l of live) {
      const r = await section("throughput", l.sr.errors, () => measureThroughput(l.app, "fn", sizes.tasks, [mp]));
      if (r) (l.sr.throughput ??= []).push(...r);
    }
  }
  // 2, 3
  if (args.only.has("chain")) {
    log("chain");
    const c = await bullSection((b) => b.chain(sizes.chain));
    if (c) results.bullmq!.chain = c;
    for (const l of live) {
      l.sr.chain = await section("chain", l.sr.errors, () => measureChain(l.app, "fn", l.setFn, sizes.chain));
      l.setFn(() => 1);
    }
  }
  // S: many small runs at once against one run of as many tasks
  if (args.only.has("small-runs")) {
    for (const l of live) {
      log(`small runs, ${STORE_LABEL[l.kind]}`);
      l.sr.smallRuns = await section("small-runs", l.sr.errors, () =>
        measureSmallRuns(l.app, "fn", l.setFn, { runs: args.quick ? 200 : 1_000 }),
      );
    }
  }
} finally {
  await bull?.close().catch((err: unknown) => log(`bullmq cleanup failed: ${String(err)}`));
  for (const l of live) {
    await l.app.stop().catch(() => undefined);
    await l.store.dispose();
    stores.delete(l.store);
  }
}

// 8, 4, 5: child processes with their own fresh stores
for (const kind of usable) {
  const sr = results.stores[kind]!;
  if (args.only.has("process") && !interrupted) log(`process executor, ${STORE_LABEL[kind]}`);
  sr.process = await section("process", sr.errors, () => measureProcessExecutor(kind, sizes.processTasks, sizes.processParallels));
  if (args.only.has("memory") && !interrupted) log(`memory, ${STORE_LABEL[kind]}`);
  sr.memory = await section("memory", sr.errors, async () => {
    const out = [];
    for (const size of sizes.memory) out.push(await measureMemory(kind, size, sizes.memoryCapMs));
    // the largest again, carrying extensive state (1 KB results, retries), for row 4r
    out.push(await measureMemory(kind, Math.max(...sizes.memory), sizes.memoryCapMs, 64, true));
    return out;
  });
  if (args.only.has("resume") && !interrupted) log(`resume, ${STORE_LABEL[kind]}`);
  sr.resume = await section("resume", sr.errors, () => measureResume(kind, sizes.resume));
  if (kind === "postgres") {
    if (args.only.has("active-runs") && !interrupted) log("many active runs, PostgreSQL");
    sr.activeRuns = await section("active-runs", sr.errors, () =>
      measureActiveRuns(args.quick ? { runs: 1_000, windowMs: 10_000 } : { runs: 10_000, windowMs: 30_000 }),
    );
  }
}
// A1-A3: API servers in child processes, each scenario on its own fresh PostgreSQL database
let apiResults: ApiResults | undefined;
if (API_SECTIONS.some((s) => args.only.has(s)) && !interrupted) {
  const ar: ApiResults = (apiResults = { events: [], bareWs: [], progress: [], bareHttp: [], callers: [], lag: [], errors: [] });
  machine.api = `graphql-yoga ${pkgVersion("graphql-yoga")}, graphql-ws ${pkgVersion("graphql-ws")}, ws ${pkgVersion("ws")}, ioredis ${pkgVersion("ioredis")} to ${REDIS_URL}`;
  if (!usable.includes("postgres"))
    ar.errors.push(`the API sections need PostgreSQL (${POSTGRES_ADMIN_URL} unreachable or not in --stores)`);
  else {
    for (const replicas of [1, 2] as const) {
      const name: Section = replicas === 1 ? "api-ws" : "api-replicas";
      if (args.only.has(name) && !interrupted) log(`API: runEvents and runEventBatches subscribers, ${replicas} server(s)`);
      await section(name, ar.errors, async () => {
        const base = { replicas, subscribers: api.subscribers, tasks: api.tasks, windowMs: api.windowMs };
        for (const eventsPerSec of api.eventRates) ar.events.push(await measureEvents({ ...base, eventsPerSec, batches: false }));
        // the batched subscription at the target's rate
        ar.events.push(await measureEvents({ ...base, eventsPerSec: api.eventRates[0]!, batches: true }));
        // what this machine allows one message per event and subscriber, before any of Conveyor's work
        if (replicas === 1)
          ar.bareWs.push(
            await measureBareWs({ subscribers: api.subscribers, eventsPerSec: api.eventRates[0]!, durationMs: api.bareMs, graceMs: 5_000 }),
          );
      });
    }
    if (args.only.has("api-lag") && !interrupted) log("API: runEventBatches subscribers on replica B beside a CPU hog");
    await section("api-lag", ar.errors, async () => {
      ar.lag.push(await measureLagUnderHog({ subscribers: api.subscribers, tasks: api.tasks, windowMs: api.windowMs }));
    });
    if (args.only.has("api-progress") && !interrupted) log("API: progress queries");
    await section("api-progress", ar.errors, async () => {
      const load = { clients: api.clients, warmupMs: api.queryWarmupMs, durationMs: api.queryMs };
      // every offered rate for the progress query; the references in closed loop, where they show the ceiling
      const shapes = [...api.pollMs.map((pollMs) => ({ pollMs, query: "progress" as const })), { pollMs: 0, query: "typename" as const }];
      for (const { pollMs, query } of shapes) {
        ar.progress.push(await measureProgress({ ...load, tasks: api.tasks, eventsPerSec: api.eventRates[0]!, pollMs, query }));
      }
      ar.bareHttp.push(await measureBareHttp({ ...load, pollMs: 0 }));
    });
    if (args.only.has("api-callers") && !interrupted) log("API: service callers starting runs");
    await section("api-callers", ar.errors, async () => {
      // closed loop: the server's capacity (latency is callers / runs per second there, by Little's law);
      // paced: each caller starts a run a second, a service's steady load, where latency is the server's own
      for (const pollMs of [0, 1_000]) {
        ar.callers.push(
          await measureCallers({
            clients: api.callers,
            pollMs,
            warmupMs: api.queryWarmupMs,
            durationMs: api.queryMs,
            tasks: 10,
            maxParallel: 4,
          }),
        );
      }
    });
  }
}
// E: the ETA against what happened, in simulated time (no store, no load dependence)
let eta: EtaAccuracy | undefined;
if (args.only.has("eta") && !interrupted) {
  log("ETA accuracy: replayed runs");
  const etaErrors: string[] = [];
  eta = await section("eta", etaErrors, async () => measureEtaAccuracy({ runs: args.quick ? 5 : 20 }));
  for (const e of etaErrors) log(`  ${e}`);
}
// L: live task logs, on PostgreSQL and Redis
let logsResult: LogBenchResult | undefined;
const logsErrors: string[] = [];
if (args.only.has("logs") && !interrupted) {
  if (!usable.includes("postgres")) logsErrors.push(`needs PostgreSQL (${POSTGRES_ADMIN_URL} unreachable or not in --stores)`);
  else {
    log("live task logs");
    logsResult = await section("logs", logsErrors, () =>
      measureLiveLogs(
        args.quick ? { tasks: 100, maxParallel: 4, latencyLines: 300 } : { tasks: 1_000, maxParallel: 4, latencyLines: 1_000 },
      ),
    );
  }
}
// D: the dashboard in headless Chromium, on PostgreSQL
let dashboardResult: DashboardResult | undefined;
const dashboardErrors: string[] = [];
if (args.only.has("dashboard") && !interrupted) {
  if (!usable.includes("postgres")) dashboardErrors.push(`needs PostgreSQL (${POSTGRES_ADMIN_URL} unreachable or not in --stores)`);
  else {
    log("dashboard: headless Chromium");
    dashboardResult = await section("dashboard", dashboardErrors, () =>
      measureDashboard({ tasks: 10_000, navigations: args.quick ? 3 : 5, windowMs: args.quick ? 5_000 : 15_000 }),
    );
  }
}
// T: tracing off against on, in turns, on PostgreSQL
let tracingRows: TracingRow[] | undefined;
const tracingErrors: string[] = [];
if (args.only.has("tracing") && !interrupted) {
  if (!usable.includes("postgres")) tracingErrors.push(`needs PostgreSQL (${POSTGRES_ADMIN_URL} unreachable or not in --stores)`);
  else {
    log("tracing off / on");
    const store = await freshStore("postgres");
    stores.add(store);
    // quick or not, runs long enough (≥ 3,000 tasks) that a ratio of two means something on a loaded machine
    tracingRows = await section("tracing", tracingErrors, () => measureTracing(store, Math.max(3_000, sizes.tasks), sizes.parallels));
  }
}
// H: replay and reads over millions of events of finished runs, on PostgreSQL
let deepHistory: DeepHistoryResult | undefined;
const deepErrors: string[] = [];
if (args.only.has("deep-history") && !interrupted) {
  if (!usable.includes("postgres")) deepErrors.push(`needs PostgreSQL (${POSTGRES_ADMIN_URL} unreachable or not in --stores)`);
  else
    deepHistory = await section(
      "deep-history",
      deepErrors,
      () => (log("deep history"), measureDeepHistory({ events: args.quick ? 2_000_000 : 20_000_000 })),
    );
}
// whole CLI processes, one after another, on stores of their own
let startupResults: StartupResults | undefined;
if (args.only.has("startup") && !interrupted) {
  log("start-up: whole conveyor run processes");
  const errors: string[] = [];
  startupResults = await section("startup", errors, () => measureStartup(5));
  if (!startupResults) startupResults = { repeats: 5, rows: [], errors };
}
// R: retention, on fresh stores of its own
const retentionSizes: RetentionSizes = args.quick
  ? { runs: 100, tasksPerRun: 100, keepRuns: 10, pruneRuns: 40, pruneTasksPerRun: 50, noopTasks: 3_000 }
  : { runs: 1_000, tasksPerRun: 1_000, keepRuns: 100, pruneRuns: 1_000, pruneTasksPerRun: 100, noopTasks: 10_000 };
const retentionRows: RetentionRow[] = [];
const retentionErrors: string[] = [];
if (args.only.has("retention") && !interrupted) {
  for (const kind of usable) {
    const row = await section("retention", retentionErrors, () => measureRetention(kind, retentionSizes));
    if (row) retentionRows.push(row);
  }
}
clearInterval(loadTimer);
loads.push(loadavg()[0]!);
machine.load = `1-min load average while measuring: start ${loads[0]!.toFixed(1)}, max ${Math.max(...loads).toFixed(1)}, end ${loads[loads.length - 1]!.toFixed(1)} (on ${availableParallelism()} CPUs)`;

// the store table and the API table each go between their own markers, so either refreshes alone
const tables: { marker: string; table: string }[] = [];
if (SECTIONS.some((s) => !OWN_TABLE.includes(s) && args.only.has(s))) tables.push({ marker: "bench", table: renderTable(results) });
if (apiResults) tables.push({ marker: "bench-api", table: renderApiTable(apiResults) });
if (eta) tables.push({ marker: "bench-eta", table: renderEtaTable(eta) });
if (args.only.has("logs")) tables.push({ marker: "bench-logs", table: renderLogsTable(logsResult, logsErrors) });
if (args.only.has("dashboard")) tables.push({ marker: "bench-dashboard", table: renderDashboardTable(dashboardResult, dashboardErrors) });
if (args.only.has("tracing")) tables.push({ marker: "bench-tracing", table: renderTracingTable(tracingRows, tracingErrors) });
if (args.only.has("deep-history")) tables.push({ marker: "bench-deep-history", table: renderDeepHistoryTable(deepHistory, deepErrors) });
if (startupResults) tables.push({ marker: "bench-startup", table: renderStartupTable(startupResults) });
if (args.only.has("retention"))
  tables.push({ marker: "bench-retention", table: renderRetentionTable(retentionRows, retentionSizes, retentionErrors) });
const elapsed = (performance.now() - started) / 1000;
log(`done in ${elapsed.toFixed(0)} s`);
process.stdout.write(`${tables.map((t) => t.table).join("\n\n")}\n`);

if (args.json)
  writeFileSync(
    args.json,
    JSON.stringify({ machine, results, api: apiResults, eta, startup: startupResults, deepHistory, elapsedSeconds: elapsed }, null, 2),
  );
if (args.write) {
  const shown = process.argv
    .slice(2)
    .join(" ")
    .replace(/--(write|json) \S+/g, "")
    .trim();
  const command = `npm run bench${shown ? ` -- ${shown}` : ""}`;
  let doc = existsSync(args.write) ? readFileSync(args.write, "utf8") : "# Benchmarks\n";
  for (const { marker, table } of tables) {
    const end = `<!-- ${marker}:end -->`;
    const block = [
      `<!-- ${marker}:begin (generated by \`npm run bench -- --write\`; edit outside the markers) -->`,
      `Measured ${new Date().toISOString().slice(0, 10)}, ${elapsed.toFixed(0)} s for the whole invocation.`,
      "",
      ...Object.entries(machine).map(([k, v]) => `- ${k}: ${v}`),
      "",
      `Command: \`${command}\``,
      "",
      table,
      end,
    ].join("\n");
    const b = doc.search(new RegExp(`<!-- ${marker}:begin[^>]*-->`));
    const e = doc.indexOf(end);
    doc = b >= 0 && e > b ? doc.slice(0, b) + block + doc.slice(e + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(args.write, doc);
  log(`wrote ${args.write}`);
}
process.exit(0);
