// Group commit across runs (src/engine/shared-commits.ts) on both stores: commits of
// different runs made while another is in flight go together in one statement
// (commitMany), each run's part fenced by its own lease, with everything a commit of its
// own writes (tasks, attempts, events, memo entries, the final checkpoint, notices).
import { afterEach, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { Engine } from "../../src/engine/engine.js";
import type { RunStore } from "../../src/engine/store.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { makeStore, storeKinds } from "../support/databases.js";
import { eventually } from "../support/engine.js";

const kinds = await storeKinds();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The store, counting commit and commitMany calls; `beforeMany` runs before each commitMany of several runs. */
function counted(inner: RunStore, beforeMany?: (runIds: string[]) => Promise<void>) {
  const calls = { commit: 0, commitMany: 0, gathered: 0 };
  const store = Object.create(inner, {
    commit: { value: (b: Parameters<RunStore["commit"]>[0]) => (calls.commit++, inner.commit(b)) },
    commitMany: {
      value: async (bs: Parameters<RunStore["commitMany"]>[0]) => {
        calls.commitMany++;
        calls.gathered += bs.length;
        if (bs.length > 1) await beforeMany?.(bs.map((b) => b.runId));
        return inner.commitMany(bs);
      },
    },
  }) as RunStore;
  return { store, calls };
}

describe.each(kinds)("commits of many runs shared on %s", (kind) => {
  async function setup(beforeMany?: (runIds: string[]) => Promise<void>) {
    const s = await makeStore(kind);
    const db: Database = await openDatabase({ url: s.config.databaseUrl, dataDir: s.config.dataDir });
    const raw = new PrismaRunStore(db);
    const c = counted(raw, beforeMany);
    const executor = new InProcessExecutor((req) => `${req.runId}/${req.taskId}`);
    const engine = new Engine({ store: c.store, bus: new MemoryBus(), executors: { fn: () => executor }, leaseMs: 30_000 });
    cleanup.push(async () => {
      await engine.stop();
      await db.close();
      await s.dispose();
    });
    return { db, raw, engine, calls: c.calls };
  }

  it("many small runs started together commit in fewer statements than runs, each run written as alone", async () => {
    const { db, raw, engine, calls } = await setup();
    // half the runs share their tasks (and so their memo keys): one statement may carry a key twice
    const sources = Array.from({ length: 40 }, (_, k) => (k % 2 === 0 ? ["a", "b", "c"] : [`u${k}-a`, `u${k}-b`, `u${k}-c`]));
    const started = await Promise.all(
      sources.map((ids) => engine.startRun({ source: inlineSource(ids), options: { executor: "fn", maxParallel: 2, force: true } })),
    );
    for (const { runId } of started) expect((await engine.waitForRun(runId)).status).toBe("succeeded");

    expect(calls.commitMany).toBeGreaterThan(0);
    expect(calls.gathered).toBeGreaterThan(calls.commitMany);
    expect(calls.commit + calls.commitMany).toBeLessThan(started.length);
    for (const [k, { runId }] of started.entries()) {
      const run = (await raw.getRun(runId))!;
      expect([run.status, run.succeeded, run.pending, run.running, run.leaseOwner]).toEqual(["succeeded", 3, 0, 0, null]);
      const units = await raw.loadUnits(runId);
      const rows = await db.sql.query<{ status: string; result: string }>(
        `SELECT status, result #>> '{}' AS result FROM task_runs WHERE run_id = $1 ORDER BY idx`,
        [runId],
      );
      expect(rows.map((u) => [u.status, u.result])).toEqual(sources[k]!.map((id) => ["succeeded", `${runId}/${id}`]));
      expect((await raw.listAttempts(runId)).map((a) => a.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
      const events = await raw.readEvents(runId, 0, 1_000);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.at(-1)!.seq).toBe(run.lastSeq);
      expect(events.filter((e) => e.type === "task.succeeded")).toHaveLength(3);
      expect(events.filter((e) => e.type === "run.finished")).toHaveLength(1);
      expect((await raw.listCheckpoints(runId)).length).toBeGreaterThan(0);
      // every key is in the memo, with a result its run wrote
      const memo = await raw.memoLookup(units.map((u) => u.memoKey));
      expect(memo.size).toBe(3);
      if (k % 2 === 1) for (const [i, u] of units.entries()) expect(memo.get(u.memoKey)!.result).toBe(`${runId}/${sources[k]![i]}`);
    }
    const shared = await db.sql.query<{ run_id: string; result: string }>(
      `SELECT run_id, result #>> '{}' AS result FROM memo_cache WHERE task_id = 'a'`,
      [],
    );
    expect(shared).toHaveLength(1);
    expect(shared[0]!.result).toBe(`${shared[0]!.run_id}/a`);
    // and it adds up the durations of all 20 successes of 'a', also those written in one statement
    const tookA = await Promise.all(started.filter((_, k) => k % 2 === 0).map(async ({ runId }) => (await raw.listAttempts(runId))[0]!));
    const [sum] = await db.sql.query<{ total: number; n: number }>(
      `SELECT success_ms_total AS total, successes AS n FROM memo_cache WHERE task_id = 'a'`,
      [],
    );
    expect({ total: Number(sum!.total), n: sum!.n }).toEqual({ total: tookA.reduce((s, a) => s + a.finishedAt! - a.startedAt, 0), n: 20 });
  }, 120_000);

  it("a run whose lease is stolen between gathering and writing writes nothing and stops; the others are written", async () => {
    let stolen: string | undefined;
    let before: { status: string; lastSeq: number } | undefined;
    // just before the first statement of several runs: another process takes one of them
    const t = await setup(async (runIds) => {
      if (stolen !== undefined) return;
      stolen = runIds[1]!;
      const run = (await t.raw.getRun(stolen))!;
      before = { status: run.status, lastSeq: run.lastSeq };
      await t.db.sql.query(`UPDATE runs SET lease_owner = 'thief', lease_expires_at = now() + interval '1 hour' WHERE id = $1`, [stolen]);
    });
    const { raw, engine } = t;
    const started = await Promise.all(
      Array.from({ length: 30 }, (_, k) =>
        engine.startRun({ source: inlineSource([`s${k}-a`, `s${k}-b`]), options: { executor: "fn", maxParallel: 1, force: true } }),
      ),
    );
    await eventually(() => stolen !== undefined, 30_000);
    await eventually(() => !engine.isActive(stolen!), 10_000);
    const thief = (await raw.getRun(stolen!))!;
    // the row is as it was before the statement, still leased to the other owner; no event of it was written
    expect([thief.leaseOwner, thief.status, thief.lastSeq]).toEqual(["thief", before!.status, before!.lastSeq]);
    expect((await raw.readEvents(stolen!, 0, 1_000)).at(-1)?.seq ?? 0).toBe(before!.lastSeq);
    for (const { runId } of started) {
      if (runId === stolen) continue;
      expect((await engine.waitForRun(runId)).status).toBe("succeeded");
      const run = (await raw.getRun(runId))!;
      expect([run.status, run.succeeded]).toEqual(["succeeded", 2]);
    }
  }, 120_000);

  it("a statement of many runs' checkpoints prunes each run's older ones by that run's own keep", async () => {
    const { raw, engine } = await setup();
    const ids: string[] = [];
    for (const k of [0, 1]) {
      const { runId } = await engine.startRun({ source: inlineSource([`c${k}`]), options: { executor: "fn", force: true } });
      expect((await engine.waitForRun(runId)).status).toBe("succeeded");
      expect(await raw.acquireLease(runId, "me", 60_000)).toBe(true);
      ids.push(runId);
    }
    const keep = new Map([
      [ids[0]!, 2],
      [ids[1]!, 3],
    ]);
    for (let n = 1; n <= 4; n++) {
      const batches = await Promise.all(
        ids.map(async (runId) => {
          const run = (await raw.getRun(runId))!;
          const last = (await raw.listCheckpoints(runId)).sort((a, b) => b.seq - a.seq)[0]!;
          const checkpoint = {
            id: `${runId}-cp${n}`,
            seq: last.seq + n,
            reason: `test ${n}`,
            snapshot: last.snapshot,
            keep: keep.get(runId)!,
          };
          return { runId, owner: "me", run, tasks: [], attempts: [], events: [], memo: [], checkpoint };
        }),
      );
      expect((await raw.commitMany(batches)).sort()).toEqual([...ids].sort());
    }
    for (const runId of ids) {
      const kept = (await raw.listCheckpoints(runId)).map((c) => c.id).sort();
      expect(kept).toEqual(
        [4, 3, 2]
          .slice(0, keep.get(runId)!)
          .map((n) => `${runId}-cp${n}`)
          .sort(),
      );
    }
  }, 60_000);
});
