// An engine on a real store (PGlite or PostgreSQL) with in-process tasks, for
// integration suites; and a manual clock for the ones that test timing.
import { Engine } from "../../src/engine/engine.js";
import type { ExecutionRequest } from "../../src/engine/executor.js";
import type { Clock, Logger, RunEvent } from "../../src/engine/ports.js";
import type { Tracer } from "../../src/engine/tracing.js";
import { topics } from "../../src/engine/topics.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { makeStore, type TestStore } from "./databases.js";

export type TaskFn = (req: ExecutionRequest) => unknown;

export interface TestEngine {
  engine: Engine;
  db: Database;
  store: TestStore;
  /** What each task does; tests replace entries freely. Default: succeed at once. */
  tasks: Map<string, TaskFn>;
  close(): Promise<void>;
}

export async function openTestEngine(
  kind: "pglite" | "postgres",
  opts: { clock?: Clock; random?: () => number; leaseMs?: number; owner?: string; logger?: Logger; tracer?: Tracer } = {},
): Promise<TestEngine> {
  const store = await makeStore(kind);
  const db = await openDatabase({ url: store.config.databaseUrl, dataDir: store.config.dataDir });
  const tasks = new Map<string, TaskFn>();
  const fn = new InProcessExecutor((req) => (tasks.get(req.taskId) ?? (() => "ok"))(req));
  const engine = new Engine({
    store: new PrismaRunStore(db),
    bus: new MemoryBus(),
    executors: {
      fn: () => fn,
      local: (o) =>
        new LocalProcessExecutor({ ...(o.command ? { command: o.command } : {}), ...(o.cwd ? { cwd: o.cwd } : {}), killGraceMs: 200 }),
    },
    ...opts,
  });
  return {
    engine,
    db,
    store,
    tasks,
    close: async () => {
      await engine.stop();
      await db.close();
      await store.dispose();
    },
  };
}

/** Collects every event published for a run. */
export function recordEvents(engine: Engine, runId: string): RunEvent[] {
  const seen: RunEvent[] = [];
  engine.bus.subscribe(topics.runEvents(runId), (events) => seen.push(...events));
  return seen;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds (or fails after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await sleep(10);
  }
}

/** A clock that only moves when told; timers fire as it passes them. */
export class ManualClock implements Clock {
  private t = 1_800_000_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  get pendingTimers(): number[] {
    return this.timers.map((x) => x.at - this.t);
  }

  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const x of due) x.fn();
  }
}
