// The batched takeover of orphaned runs (src/engine/orphan-takeover.ts) on both
// stores: many orphans leased, read and first committed in a few statements; a run
// another process takes while the batch is under way; a run whose lease is taken
// between the batch's lease statement and its gathered commit (fencing); a run that
// finished meanwhile. Orphans are made as a graceful shutdown leaves them: an engine
// stops while their one task runs, and its leases are released.
import { afterEach, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { Engine } from "../../src/engine/engine.js";
import type { OrphanClaim, RunStore } from "../../src/engine/store.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { makeStore, storeKinds } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { OtelTracing } from "../../src/observability/otel-tracing.js";

const kinds = await storeKinds();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Tasks that run until released, counted per run. */
class HeldTasks {
  readonly started = new Map<string, number>();
  private release: (() => void)[] = [];
  private released = false;
  readonly executor = new InProcessExecutor((req) => {
    this.started.set(req.runId, (this.started.get(req.runId) ?? 0) + 1);
    if (this.released) return "ok";
    return new Promise((resolve) => this.release.push(() => resolve("ok")));
  });
  releaseAll(): void {
    this.released = true;
    for (const r of this.release.splice(0)) r();
  }
}

/** The store's calls by name, and the batches each commitMany carried. */
function counted(inner: RunStore, hooks: Partial<Record<"takeOrphans" | "loadUnitsOf", () => Promise<void>>> = {}) {
  const calls = new Map<string, number>();
  const sizes: number[] = [];
  const count = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);
  const store = Object.create(inner, {
    takeOrphans: {
      value: async (claims: readonly OrphanClaim[], owner: string, leaseMs: number) => {
        count("takeOrphans");
        await hooks.takeOrphans?.();
        return inner.takeOrphans(claims, owner, leaseMs);
      },
    },
    loadUnitsOf: {
      value: async (ids: readonly string[]) => {
        count("loadUnitsOf");
        await hooks.loadUnitsOf?.();
        return inner.loadUnitsOf(ids);
      },
    },
    commitMany: {
      value: (bs: Parameters<RunStore["commitMany"]>[0]) => (count("commitMany"), sizes.push(bs.length), inner.commitMany(bs)),
    },
    commit: { value: (b: Parameters<RunStore["commit"]>[0]) => (count("commit"), inner.commit(b)) },
    acquireLease: { value: (...a: Parameters<RunStore["acquireLease"]>) => (count("acquireLease"), inner.acquireLease(...a)) },
    getRun: { value: (id: string) => (count("getRun"), inner.getRun(id)) },
    loadUnits: { value: (id: string) => (count("loadUnits"), inner.loadUnits(id)) },
  }) as RunStore;
  return { store, calls, sizes };
}

describe.each(kinds)("batched takeover of orphaned runs on %s", (kind) => {
  async function setup() {
    const s = await makeStore(kind);
    const db: Database = await openDatabase({ url: s.config.databaseUrl, dataDir: s.config.dataDir });
    const store = new PrismaRunStore(db);
    const engines: Engine[] = [];
    cleanup.push(async () => {
      for (const e of engines) await e.stop();
      await db.close();
      await s.dispose();
    });
    const engine = (tasks: HeldTasks, runStore: RunStore = store, tracer?: OtelTracing) => {
      const e = new Engine({
        store: runStore,
        bus: new MemoryBus(),
        executors: { hold: () => tasks.executor },
        leaseMs: 30_000,
        ...(tracer ? { tracer } : {}),
      });
      engines.push(e);
      return e;
    };
    /** `n` runs of one task each, left running with no lease by an engine that stopped. */
    const orphans = async (n: number, tracer?: OtelTracing): Promise<string[]> => {
      const tasks = new HeldTasks();
      const first = engine(tasks, store, tracer);
      const ids: string[] = [];
      for (let k = 0; k < n; k += 50) {
        const started = await Promise.all(
          Array.from({ length: Math.min(50, n - k) }, () =>
            first.startRun({ source: inlineSource(["t"]), options: { executor: "hold", force: true } }),
          ),
        );
        ids.push(...started.map((r) => r.runId));
      }
      await eventually(() => tasks.started.size === n, 60_000);
      // the first drives keep their traces with their first commits (a task may start before its commit lands)
      if (tracer) await eventually(async () => (await store.traceParentsOf(ids)).size === n, 30_000);
      await first.stop();
      return ids;
    };
    return { db, store, engine, orphans };
  }

  it("takes 520 orphaned runs in two lease statements, two unit reads and two gathered commits; each is driven once to the end", async () => {
    const { store, engine, orphans } = await setup();
    const ids = await orphans(520);
    const tasks = new HeldTasks();
    const c = counted(store);
    const b = engine(tasks, c.store);
    const taken = await b.recoverOrphans();
    expect(new Set(taken)).toEqual(new Set(ids));
    await eventually(() => tasks.started.size === 520, 30_000);
    // nothing per run: one statement per 500 runs for the leases, the units and the first commits
    expect(c.calls.get("takeOrphans")).toBe(2);
    expect(c.calls.get("loadUnitsOf")).toBe(2);
    expect(c.calls.get("acquireLease") ?? 0).toBe(0);
    expect(c.calls.get("getRun") ?? 0).toBe(0);
    expect(c.calls.get("loadUnits") ?? 0).toBe(0);
    await eventually(() => c.sizes.reduce((a, x) => a + x, 0) === 520, 30_000);
    expect(c.sizes.sort((x, y) => x - y)).toEqual([20, 500]);
    expect(c.calls.get("commit") ?? 0).toBe(0);
    for (const id of ids) {
      const run = (await store.getRun(id))!;
      expect([run.status, run.leaseOwner]).toEqual(["running", b.owner]);
    }
    tasks.releaseAll();
    for (const id of ids) expect((await b.waitForRun(id)).status).toBe("succeeded");
    expect([...tasks.started.values()].every((n) => n === 1)).toBe(true);
    const events = await store.readEvents(ids[7]!, 0, 1_000);
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === "run.started")).toHaveLength(2);
    expect(events.find((e) => e.type === "run.started" && e.data.mode === "recover")).toBeDefined();
    expect(types.filter((t) => t === "task.succeeded")).toHaveLength(1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  }, 180_000);

  it("with tracing on, each run taken over goes on in its own trace, and their first commits still go together", async () => {
    const { store, engine, orphans } = await setup();
    const exporter = new InMemorySpanExporter();
    const tracing = new OtelTracing(exporter, "conveyor-test", true);
    cleanup.push(() => tracing.shutdown());
    const ids = await orphans(40, tracing);
    const tasks = new HeldTasks();
    const c = counted(store);
    const b = engine(tasks, c.store, tracing);
    expect(new Set(await b.recoverOrphans())).toEqual(new Set(ids));
    await eventually(() => c.sizes.reduce((a, x) => a + x, 0) === 40, 30_000);
    expect(c.sizes).toEqual([40]); // the traces were read for the chunk: no drive waited on its own
    expect(c.calls.get("commit") ?? 0).toBe(0);
    tasks.releaseAll();
    for (const id of ids) expect((await b.waitForRun(id)).status).toBe("succeeded");
    await tracing.flush();
    const spans = exporter.getFinishedSpans().filter((s) => s.name === "conveyor.run");
    for (const id of ids) {
      const mine = spans.filter((s) => s.attributes["conveyor.run.id"] === id);
      const first = mine.find((s) => s.attributes["conveyor.run.mode"] === "start")!;
      const recovered = mine.find((s) => s.attributes["conveyor.run.mode"] === "recover")!;
      expect(recovered.spanContext().traceId).toBe(first.spanContext().traceId);
      expect(recovered.parentSpanContext?.spanId).toBe(first.spanContext().spanId);
    }
  }, 120_000);

  it("two processes taking over the same orphans at once share them: each run driven by exactly one", async () => {
    const { store, engine, orphans } = await setup();
    const ids = await orphans(60);
    const [tb, tc] = [new HeldTasks(), new HeldTasks()];
    const [b, c] = [engine(tb), engine(tc)];
    const [byB, byC] = await Promise.all([b.recoverOrphans(), c.recoverOrphans()]);
    expect(byB.filter((id) => byC.includes(id))).toEqual([]);
    expect(new Set([...byB, ...byC])).toEqual(new Set(ids));
    await eventually(() => tb.started.size + tc.started.size === 60, 30_000);
    for (const id of byB) expect((await store.getRun(id))!.leaseOwner).toBe(b.owner);
    for (const id of byC) expect((await store.getRun(id))!.leaseOwner).toBe(c.owner);
    tb.releaseAll();
    tc.releaseAll();
    for (const id of byB) expect((await b.waitForRun(id)).status).toBe("succeeded");
    for (const id of byC) expect((await c.waitForRun(id)).status).toBe("succeeded");
    for (const id of ids) expect((tb.started.get(id) ?? 0) + (tc.started.get(id) ?? 0)).toBe(1);
  }, 180_000);

  it("a run another process takes while the batch is under way, and one that finished meanwhile, are left alone", async () => {
    const { db, store, engine, orphans } = await setup();
    const ids = await orphans(30);
    const [grabbed, finished] = [ids[3]!, ids[11]!];
    const [tb, tc] = [new HeldTasks(), new HeldTasks()];
    const c = engine(tc);
    const finishedBefore = await store.readEvents(finished, 0, 1_000);
    const hooked = counted(store, {
      // just before the lease statement: another process resumes one run, and another one ends
      takeOrphans: async () => {
        await c.resumeRun(grabbed);
        await db.sql.query(
          `UPDATE runs SET status = 'succeeded', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`,
          [finished],
        );
      },
    });
    const b = engine(tb, hooked.store);
    const taken = await b.recoverOrphans();
    expect(taken).not.toContain(grabbed);
    expect(taken).not.toContain(finished);
    expect(new Set(taken)).toEqual(new Set(ids.filter((id) => id !== grabbed && id !== finished)));
    expect(b.isActive(grabbed) || b.isActive(finished)).toBe(false);
    expect(c.isActive(grabbed)).toBe(true);
    expect((await store.getRun(grabbed))!.leaseOwner).toBe(c.owner);
    const done = (await store.getRun(finished))!;
    expect([done.status, done.leaseOwner]).toEqual(["succeeded", null]);
    expect(await store.readEvents(finished, 0, 1_000)).toEqual(finishedBefore);
    tb.releaseAll();
    tc.releaseAll();
    expect((await c.waitForRun(grabbed)).status).toBe("succeeded");
    for (const id of taken) expect((await b.waitForRun(id)).status).toBe("succeeded");
    expect(tb.started.has(grabbed)).toBe(false);
    expect(tc.started.get(grabbed)).toBe(1);
    expect(tb.started.has(finished) || tc.started.has(finished)).toBe(false);
  }, 120_000);

  it("a run whose lease is taken between the lease statement and the gathered commit: that commit writes nothing of it, the others' are written", async () => {
    const { db, store, engine, orphans } = await setup();
    const ids = await orphans(20);
    const stolen = ids[5]!;
    const before = (await store.getRun(stolen))!;
    const tb = new HeldTasks();
    const hooked = counted(store, {
      // after the leases are taken, before the runs are read and their first commits sent
      loadUnitsOf: async () =>
        void (await db.sql.query(`UPDATE runs SET lease_owner = 'thief', lease_expires_at = now() + interval '1 hour' WHERE id = $1`, [
          stolen,
        ])),
    });
    const b = engine(tb, hooked.store);
    await b.recoverOrphans();
    await eventually(() => hooked.sizes.length === 1, 30_000);
    expect(hooked.sizes).toEqual([20]);
    // its supervisor learns the lease is lost at its first commit and gives the run up
    await eventually(() => !b.isActive(stolen), 30_000);
    const after = (await store.getRun(stolen))!;
    expect([after.leaseOwner, after.lastSeq, after.status]).toEqual(["thief", before.lastSeq, "running"]);
    expect((await store.readEvents(stolen, 0, 1_000)).map((e) => e.seq)).toHaveLength(before.lastSeq);
    const others = ids.filter((id) => id !== stolen);
    for (const id of others) {
      const run = (await store.getRun(id))!;
      expect(run.leaseOwner).toBe(b.owner);
      expect(run.lastSeq).toBeGreaterThan(before.lastSeq);
    }
    tb.releaseAll();
    for (const id of others) expect((await b.waitForRun(id)).status).toBe("succeeded");
  }, 120_000);
});
