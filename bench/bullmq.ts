// 7. The peer: BullMQ on the local Redis (no persistence), same workloads, in this
// process like Conveyor's runs, each measured right before Conveyor's counterpart:
//  - N no-op jobs, one Worker at concurrency c, Queue.addBulk in chunks of 1,000;
//    clock from the first addBulk to the N-th "completed" event (worker ready before);
//  - a chain of N as a FlowProducer flow: a depth-N tree with one child per level
//    (the leaf runs first), added with one FlowProducer.add(); wall from add() to
//    the root's completion; hand-off = processor return of job k to processor start
//    of job k+1.
// Keys live under a unique prefix and are deleted afterwards.
// BullMQ needs a Redis client (its optional peer `ioredis`); in ESM it must be
// handed an instance. Without ioredis or Redis the peer columns say why.
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import { log, quantile } from "./support.js";

export const REDIS_URL = process.env.CONVEYOR_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface BullQueueResult {
  concurrency: number;
  jobs: number;
  totalMs: number;
  enqueueMs: number;
  jobsPerSec: number;
}

export interface BullChainResult {
  jobs: number;
  totalMs: number;
  addMs: number;
  jobsPerSec: number;
  returnToStart: { p50: number; p99: number; max: number; n: number };
}

export interface BullResult {
  version: string;
  redisVersion: string;
  queue: BullQueueResult[];
  chain?: BullChainResult;
}

interface RedisClient {
  quit(): Promise<unknown>;
  disconnect(): void;
  scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
  info(section: string): Promise<string>;
}
type RedisCtor = new (url: string, opts: Record<string, unknown>) => RedisClient;

async function loadRedis(): Promise<RedisCtor | string> {
  const name = "ioredis"; // BullMQ's optional peer; imported by name so the bench compiles without it
  try {
    const mod = (await import(name)) as { default?: unknown; Redis?: unknown };
    return (mod.Redis ?? mod.default) as RedisCtor;
  } catch (err) {
    return `BullMQ needs its optional peer "ioredis" (npm install --no-save ioredis): ${String(err).split("\n")[0]}`;
  }
}

export async function bullmqAvailable(): Promise<string | null> {
  const Redis = await loadRedis();
  if (typeof Redis === "string") return Redis;
  const c = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: false });
  try {
    await c.info("server");
    return null;
  } catch (err) {
    return `Redis at ${REDIS_URL} unreachable: ${String(err)}`;
  } finally {
    c.disconnect();
  }
}

/** A BullMQ session on the local Redis: measurements interleave with Conveyor's, keys go at close. */
export class BullBench {
  version = "?";
  redisVersion = "?";
  private readonly prefix = `conveyor-bench-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly conns: RedisClient[] = [];
  private admin!: RedisClient;
  private Redis!: RedisCtor;
  private mq!: typeof import("bullmq");

  async open(): Promise<void> {
    const Redis = await loadRedis();
    if (typeof Redis === "string") throw new Error(Redis);
    this.Redis = Redis;
    this.mq = await import("bullmq");
    const { createRequire } = await import("node:module");
    this.version = (createRequire(import.meta.url)("bullmq/package.json") as { version: string }).version;
    this.admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    this.redisVersion = /redis_version:(\S+)/.exec(await this.admin.info("server"))?.[1] ?? "?";
  }

  private conn(): never {
    const c = new this.Redis(REDIS_URL, { maxRetriesPerRequest: null });
    this.conns.push(c);
    return c as never;
  }

  async queue(concurrency: number, n: number): Promise<BullQueueResult> {
    const { Queue, Worker } = this.mq;
    const prefix = this.prefix;
    const name = `noop-c${concurrency}-${randomUUID().slice(0, 6)}`;
    const q = new Queue(name, { connection: this.conn(), prefix });
    let done = 0;
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    const w = new Worker(name, async () => 1, { connection: this.conn(), prefix, concurrency });
    w.on("completed", () => {
      if (++done === n) resolveAll();
    });
    w.on("error", (err) => log(`bullmq worker error: ${String(err)}`));
    await q.waitUntilReady();
    await w.waitUntilReady();
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1_000) {
      await q.addBulk(Array.from({ length: Math.min(1_000, n - i) }, (_, k) => ({ name: "noop", data: { i: i + k } })));
    }
    const enqueueMs = performance.now() - t0;
    await all;
    const totalMs = performance.now() - t0;
    await w.close();
    await q.obliterate({ force: true });
    await q.close();
    const r = { concurrency, jobs: n, totalMs, enqueueMs, jobsPerSec: n / (totalMs / 1000) };
    log(`  bullmq c=${concurrency}: ${r.jobsPerSec.toFixed(0)} jobs/s (addBulk ${enqueueMs.toFixed(0)} ms)`);
    return r;
  }

  async chain(n: number): Promise<BullChainResult> {
    const { Queue, Worker, FlowProducer } = this.mq;
    const prefix = this.prefix;
    const name = `chain-${randomUUID().slice(0, 6)}`;
    const started = new Float64Array(n).fill(Number.NaN);
    const returned = new Float64Array(n).fill(Number.NaN);
    let resolveRoot!: () => void;
    const rootDone = new Promise<void>((r) => (resolveRoot = r));
    const w = new Worker(
      name,
      async (job) => {
        const i = (job.data as { i: number }).i;
        started[i] = performance.now();
        returned[i] = performance.now();
        return 1;
      },
      { connection: this.conn(), prefix, concurrency: 8 },
    );
    w.on("completed", (job) => {
      if ((job.data as { i: number }).i === n - 1) resolveRoot();
    });
    const flow = new FlowProducer({ connection: this.conn(), prefix });
    await w.waitUntilReady();
    await flow.waitUntilReady();
    // T(n-1) is the root; T0 the only leaf, so it runs first
    type Node = { name: string; queueName: string; data: { i: number }; children?: Node[] };
    let tree: Node = { name: "t", queueName: name, data: { i: 0 } };
    for (let i = 1; i < n; i++) tree = { name: "t", queueName: name, data: { i }, children: [tree] };
    const t0 = performance.now();
    await flow.add(tree);
    const addMs = performance.now() - t0;
    await rootDone;
    const totalMs = performance.now() - t0;
    const gaps: number[] = [];
    for (let k = 0; k + 1 < n; k++) gaps.push(started[k + 1]! - returned[k]!);
    await w.close();
    await flow.close();
    const q = new Queue(name, { connection: this.conn(), prefix });
    await q.obliterate({ force: true });
    await q.close();
    const r = {
      jobs: n,
      totalMs,
      addMs,
      jobsPerSec: n / (totalMs / 1000),
      returnToStart: { p50: quantile(gaps, 0.5), p99: quantile(gaps, 0.99), max: Math.max(...gaps), n: gaps.length },
    };
    log(
      `  bullmq flow chain ${n}: ${r.jobsPerSec.toFixed(0)} jobs/s; hand-off p50 ${r.returnToStart.p50.toFixed(3)} ms p99 ${r.returnToStart.p99.toFixed(3)} ms`,
    );
    return r;
  }

  /** Deletes every key under our prefix and closes the connections. */
  async close(): Promise<void> {
    if (!this.admin) return;
    let cursor = "0";
    do {
      const [c, keys] = await this.admin.scan(cursor, "MATCH", `${this.prefix}:*`, "COUNT", 1000);
      cursor = c;
      if (keys.length) await this.admin.del(...keys);
    } while (cursor !== "0");
    await this.admin.quit();
    for (const c of this.conns) c.disconnect();
  }
}
