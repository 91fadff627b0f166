// What the API measurements share: API servers as child processes (bench/api-server.ts)
// on a fresh PostgreSQL database, their memory and CPU read from /proc, GraphQL
// over HTTP with keep-alive, a latency histogram, and this process's own CPU.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { REDIS_URL } from "./bullmq.js";
import { collectChild, freshStore, log, spawnBenchChild, type BenchStore } from "./support.js";

/** One server process: its URL, and its memory and CPU as /proc shows them. */
export class ServerProcess {
  private peakRss = 0;
  private readonly sampler: NodeJS.Timeout;
  /** Set when the process ended before close() was called: how, and its stderr's tail. */
  died: string | undefined;
  private closing = false;
  private constructor(
    readonly url: string,
    readonly pid: number,
    private readonly stop: () => Promise<void>,
    done: ReturnType<typeof collectChild>,
  ) {
    void done.then((r) => {
      if (!this.closing) log((this.died = `API server ${pid} died (${r.code ?? r.signal}): ${r.stderr.slice(-2000)}`));
    });
    // VmHWM is the peak since start; sampling VmRSS also gives the peak of a window
    this.sampler = setInterval(() => (this.peakRss = Math.max(this.peakRss, this.status("VmRSS"))), 100);
    this.sampler.unref();
  }

  /** `name`: the child (bench/api-server.ts, or the bare one). */
  static async start(env: Record<string, string>, name = "api-server"): Promise<ServerProcess> {
    // the Node flag `npm start` and the deployment give `conveyor serve`
    const child = spawnBenchChild(name, env, ["--max-semi-space-size=64"]);
    const done = collectChild(child);
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (chunk: string) => {
        const m = /LISTENING (\S+)/.exec(chunk);
        if (m) resolve(m[1]!);
      });
      void done.then((r) => reject(new Error(`API server exited ${r.code ?? r.signal} before listening\n${r.stderr.slice(-3000)}`)));
    });
    return new ServerProcess(
      url,
      child.pid!,
      async () => {
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await done;
        clearTimeout(t);
      },
      done,
    );
  }

  /** A /proc/<pid>/status field in bytes (VmRSS, VmHWM). */
  status(field: string): number {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${this.pid}/status`, "utf8"));
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0; // already gone
    }
  }

  /** Starts a new window for peakRss(). */
  resetPeak(): void {
    this.peakRss = this.status("VmRSS");
  }

  windowPeakRss(): number {
    return Math.max(this.peakRss, this.status("VmRSS"));
  }

  async close(): Promise<void> {
    clearInterval(this.sampler);
    this.closing = true;
    await this.stop();
  }
}

/** Fresh PostgreSQL database, `replicas` servers on it (with Redis when more than one); all removed by dispose. */
export async function openServers(
  replicas: number,
  taskMs: number,
): Promise<{ servers: ServerProcess[]; databaseUrl: string; dispose(): Promise<void> }> {
  const store: BenchStore = await freshStore("postgres");
  const servers: ServerProcess[] = [];
  const dispose = async () => {
    await Promise.allSettled(servers.map((s) => s.close()));
    await store.dispose();
  };
  try {
    const env: Record<string, string> = {
      DATABASE_URL: store.config.databaseUrl!,
      BENCH_TASK_MS: String(taskMs),
      ...(replicas > 1 ? { REDIS_URL } : {}),
    };
    // one after the other: the first one creates the schema
    for (let i = 0; i < replicas; i++) servers.push(await ServerProcess.start(env));
    // /readyz pings Redis too: replicas without it would only see each other's events by polling the database
    for (const s of servers) {
      const res = await fetch(`${s.url}/readyz`);
      if (!res.ok) throw new Error(`${s.url}/readyz: ${res.status} ${await res.text()}`);
    }
    log(`  ${replicas} API server(s) up: ${servers.map((s) => `${s.url} (pid ${s.pid})`).join(", ")}`);
    return { servers, databaseUrl: env.DATABASE_URL!, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** A keep-alive agent with one socket per concurrent client. */
export const keepAlive = (sockets: number) => new Agent({ keepAlive: true, maxSockets: sockets });

/** POSTs a GraphQL operation; resolves with the parsed body (rejects on a non-200 or GraphQL errors). */
export function graphql<T>(agent: Agent, url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/graphql`,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          const json = JSON.parse(text) as { data?: T; errors?: { message: string }[] };
          if (res.statusCode !== 200 || json.errors || !json.data) reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 500)}`));
          else resolve(json.data);
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const START = `mutation($input: StartRunInput!) { startRun(input: $input) {
  __typename ... on StartRunPayload { run { id } } ... on ApiError { code message } } }`;

/** Starts a run of `tasks` no-op tasks (ids 1..n) through the startRun mutation. */
export async function startNoopRun(agent: Agent, url: string, tasks: number, maxParallel: number): Promise<string> {
  const inline = Array.from({ length: tasks }, (_, i) => i + 1);
  const options = { executor: "noop", maxParallel, force: true };
  const d = await graphql<{ startRun: { __typename: string; run?: { id: string }; code?: string; message?: string } }>(agent, url, START, {
    input: { inline, options },
  });
  if (!d.startRun.run) throw new Error(`startRun: ${d.startRun.__typename} ${d.startRun.code ?? ""} ${d.startRun.message ?? ""}`);
  return d.startRun.run.id;
}

export async function cancelRun(agent: Agent, url: string, runId: string): Promise<void> {
  await graphql(agent, url, `mutation($id: ID!) { cancelRun(runId: $id, reason: "bench window over") { __typename } }`, { id: runId });
}

/**
 * The run's status, and the events it recorded per second from its start until it finished
 * (or until now), read from the database: a saturated server would answer only after its backlog.
 */
export async function runRecord(databaseUrl: string, runId: string): Promise<{ status: string; lastSeq: number; eventsPerSec: number }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    type Row = { status: string; last_seq: number; started_at: Date | null; finished_at: Date | null };
    const [run] = (await c.query<Row>("SELECT status, last_seq, started_at, finished_at FROM runs WHERE id = $1", [runId])).rows;
    if (!run?.started_at) throw new Error(`run ${runId} not found or not started`);
    const sec = ((run.finished_at ?? new Date()).getTime() - run.started_at.getTime()) / 1000;
    return { status: run.status, lastSeq: run.last_seq, eventsPerSec: run.last_seq / Math.max(0.001, sec) };
  } finally {
    await c.end();
  }
}

/** Latencies in whole milliseconds (what an ISO `at` resolves), counted per ms up to a cap. */
export class MsHistogram {
  private readonly counts: Uint32Array;
  count = 0;
  max = 0;
  constructor(capMs = 600_000) {
    this.counts = new Uint32Array(capMs + 1);
  }
  add(ms: number): void {
    const i = Math.min(this.counts.length - 1, Math.max(0, Math.round(ms)));
    this.counts[i]!++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i;
    }
    return this.counts.length - 1;
  }
}

export interface CpuShare {
  /** CPU time of all the process's threads, as a share of one core. */
  cpu: number;
  /** Time its main thread (the event loop) was ready to run but waited for a CPU, as a share of the window: the shared machine's toll. */
  waited: number;
}

/** Starts measuring a process's CPU (its user + system ticks, and its main thread's run-queue wait); the function ends the window. */
export function cpuWindow(pid: number): () => CpuShare {
  const read = () => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const waitNs = Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]);
      // utime + stime, in clock ticks (100 a second on Linux)
      return { cpu: (Number(f[11]) + Number(f[12])) / 100, wait: waitNs / 1e9 };
    } catch {
      return { cpu: Number.NaN, wait: Number.NaN }; // already gone
    }
  };
  const a = read();
  const t0 = performance.now();
  return () => {
    const b = read();
    const sec = (performance.now() - t0) / 1000;
    return { cpu: (b.cpu - a.cpu) / sec, waited: (b.wait - a.wait) / sec };
  };
}
