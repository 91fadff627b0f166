// Steering across processes on one store and one bus: a process that does not
// drive a run relays commands to the one that does, and applies a command
// itself when the lease holder let the run go before the command reached it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { Engine } from "../../src/engine/engine.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { postgresReachable, postgresStore, type TestStore } from "../support/databases.js";

describe.skipIf(!(await postgresReachable()))("steering between two engines", () => {
  let store: TestStore;
  let db: Database;
  let a: Engine;
  let b: Engine;
  let release = () => {};
  beforeAll(async () => {
    store = await postgresStore();
    db = await openDatabase({ url: store.config.databaseUrl! });
    const bus = new MemoryBus();
    const gated = new InProcessExecutor(() => new Promise<void>((r) => (release = r)));
    const engine = (owner: string) =>
      new Engine({ store: new PrismaRunStore(db), bus, executors: { fn: () => gated }, owner, leaseMs: 5_000 });
    [a, b] = [engine("a"), engine("b")];
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.close();
    await store?.dispose();
  });

  it("relays a command to the engine that drives the run, and reports the event that shows it", async () => {
    const { runId } = await a.startRun({ source: inlineSource(["s1", "s2"]), options: { executor: "fn", force: true } });
    expect(await b.drivenElsewhere(runId)).toBe(true);
    const { result, event } = await b.steer(runId, { action: "checkpoint" });
    expect(result).toBeUndefined(); // relayed, not applied by b
    expect(event?.type).toBe("run.checkpoint");
    expect(b.isActive(runId)).toBe(false);
    await b.steer(runId, { action: "cancel", reason: "from b" });
    release();
    const run = await a.waitForRun(runId);
    expect(run.status).toBe("cancelled");
    expect(run.reason).toBe("from b");
  });

  it("applies the command itself when the lease holder is gone before the command reaches it", async () => {
    const { runId } = await a.startRun({ source: inlineSource(["g1", "g2"]), options: { executor: "fn", force: true } });
    await a.pauseRun(runId);
    release();
    await a.waitForRun(runId); // paused, nothing running: a stops driving and releases the lease
    // a lease left by a process that died: still valid for a moment, nobody to hear a relay
    await db.sql.query(`UPDATE runs SET lease_owner = 'ghost', lease_expires_at = now() + interval '1 second' WHERE id = $1`, [runId]);
    const { event } = await b.steer(runId, { action: "cancel", reason: "after the ghost" }, 1_500);
    expect(event?.type).toMatch(/^run\.(cancelling|finished)$/);
    const run = await b.waitForRun(runId);
    expect(run.status).toBe("cancelled");
    expect(run.reason).toBe("after the ghost");
  });
});
