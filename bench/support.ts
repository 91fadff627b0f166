// Shared pieces of the benchmark: fresh stores, the app on them, no-op task
// sources, timing a run from startRun to its durable end, statistics, and the
// child processes some measurements need (tracked, so none outlives us).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createApp, type App } from "../src/app.js";
import { inlineSource } from "../src/core/taskmaster/index.js";
import type { TaskSource } from "../src/core/task.js";
import type { ExecutorFactory, StartRunInput } from "../src/engine/engine.js";
import { silentLogger, type RunEvent } from "../src/engine/ports.js";
import { topics } from "../src/engine/topics.js";

export type StoreKind = "pglite" | "postgres";
export const STORE_KINDS: StoreKind[] = ["pglite", "postgres"];
export const STORE_LABEL: Record<StoreKind, string> = { pglite: "PGlite", postgres: "PostgreSQL" };

export const POSTGRES_ADMIN_URL = process.env.CONVEYOR_BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface BenchStore {
  kind: StoreKind;
  /** For createApp / child processes. */
  config: { databaseUrl?: string; dataDir?: string };
  dispose(): Promise<void>;
}

/** A store nobody used yet: an empty temp folder (PGlite runs initdb in it) or a new database. */
export async function freshStore(kind: StoreKind): Promise<BenchStore> {
  if (kind === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "conveyor-bench-"));
    return { kind, config: { dataDir: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `conveyor_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  let disposed = false;
  return {
    kind,
    config: { databaseUrl: url.toString() },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

export async function postgresReachable(): Promise<string | null> {
  try {
    const rows = await adminQuery<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]?.v ?? "?";
  } catch {
    return null;
  }
}

/** The app as a user builds it (createApp), silent, without taking over other runs. */
export function openApp(store: BenchStore, executors: Record<string, ExecutorFactory> = {}, leaseMs?: number): Promise<App> {
  return createApp({
    ...store.config,
    executors,
    logger: silentLogger,
    recover: false,
    ...(leaseMs !== undefined ? { leaseMs } : {}),
  });
}

/** n no-op tasks, ids `${prefix}${i}`; "chain" makes each depend on the previous one. */
export function noopSource(n: number, prefix: string, shape: "independent" | "chain" = "independent"): TaskSource {
  const tasks = new Array<{ id: string; title: string; dependencies: string[] }>(n);
  for (let i = 0; i < n; i++) {
    tasks[i] = { id: `${prefix}${i}`, title: `noop ${i}`, dependencies: shape === "chain" && i > 0 ? [`${prefix}${i - 1}`] : [] };
  }
  return inlineSource(tasks);
}

/** Counts commits and the time spent inside store.commit (a thin wrapper on the app's store). */
export class CommitMeter {
  private static readonly byApp = new WeakMap<App, CommitMeter>();
  commits = 0;
  ms = 0;
  /** One meter per app: wrapping the store twice would count twice. */
  static for(app: App): CommitMeter {
    let m = CommitMeter.byApp.get(app);
    if (!m) CommitMeter.byApp.set(app, (m = new CommitMeter(app)));
    return m;
  }
  private constructor(app: App) {
    const store = app.engine.store;
    const inner = store.commit.bind(store);
    store.commit = async (batch) => {
      const t = performance.now();
      try {
        await inner(batch);
      } finally {
        this.commits++;
        this.ms += performance.now() - t;
      }
    };
  }
  reset(): void {
    this.commits = 0;
    this.ms = 0;
  }
}

export interface RunTiming {
  runId: string;
  total: number;
  /** startRun call until it returned: plan, memo lookup, insert of the run and its units, lease, load. */
  startRunMs: number;
  /** startRun call until run.finished was published (published right after its commit). */
  totalMs: number;
  status: string;
  commits: number;
  commitMs: number;
}

/** Starts a run and resolves once its run.finished event is durable (and the supervisor let go). */
export async function timeRun(
  app: App,
  input: StartRunInput,
  opts: { meter?: CommitMeter; onEvents?: (events: readonly RunEvent[]) => void } = {},
): Promise<RunTiming> {
  opts.meter?.reset();
  const t0 = performance.now();
  const { runId, total } = await app.engine.startRun(input);
  const t1 = performance.now();
  // the first commit of a run is scheduled with setImmediate: subscribing now misses nothing
  let status = "?";
  const finished = new Promise<number>((resolve) => {
    const off = app.engine.bus.subscribe(topics.runEvents(runId), (events) => {
      opts.onEvents?.(events);
      for (const e of events) {
        if (e.type === "run.finished") {
          status = String(e.data.status);
          off();
          resolve(performance.now());
        }
      }
    });
  });
  const t2 = await finished;
  await app.engine.waitForRun(runId);
  return {
    runId,
    total,
    startRunMs: t1 - t0,
    totalMs: t2 - t0,
    status,
    commits: opts.meter?.commits ?? 0,
    commitMs: opts.meter?.ms ?? 0,
  };
}

// ---- statistics ------------------------------------------------------------------------------

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const median = (values: number[]) => quantile(values, 0.5);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- child processes ---------------------------------------------------------------------------

const here = fileURLToPath(new URL(".", import.meta.url));
const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
const live = new Set<ChildProcess>();

/** Runs bench/<name> (this same flavour: .ts through tsx, or compiled .js) with --expose-gc. */
export function spawnBenchChild(name: string, env: Record<string, string>, extraNodeArgs: string[] = []): ChildProcess {
  // BENCH_CHILD_NODE_ARGS: more node flags for every child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile servers
  const more = (process.env.BENCH_CHILD_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const args = ["--expose-gc", ...(ext === ".ts" ? ["--import", "tsx"] : []), ...extraNodeArgs, ...more, join(here, name + ext)];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

/** Kills every child still alive (by its own pid). */
export function killChildren(): void {
  for (const c of live) {
    try {
      c.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}

/** Collects a child's stdout lines; resolves with them and its exit code once it exits. */
export function collectChild(
  child: ChildProcess,
  onLine?: (line: string) => void,
): Promise<{ lines: string[]; stderr: string; code: number | null; signal: NodeJS.Signals | null }> {
  const lines: string[] = [];
  let buf = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      onLine?.(line);
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    if (stderr.length < 20_000) stderr += chunk;
  });
  return new Promise((resolve) => child.once("close", (code, signal) => resolve({ lines, stderr, code, signal })));
}

/** The child's last "RESULT {json}" line, parsed. */
export function resultOf<T>(lines: string[], stderr: string, what: string): T {
  const line = [...lines].reverse().find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`${what}: child gave no result\n${stderr.slice(-3000)}`);
  return JSON.parse(line.slice("RESULT ".length)) as T;
}

export function log(msg: string): void {
  process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${msg}\n`);
}
