// The outbox rides in the commit statement: a batch that is not written (its lease lost)
// writes no delivery, one that is writes exactly the deliveries endpoints want, and a batch
// no endpoint wants a notice of keeps the statement it had without webhooks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { LeaseLostError, type CommitBatch } from "../../src/engine/store.js";
import { silentLogger } from "../../src/engine/ports.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { commitStatement } from "../../src/storage/sql/commit-batch.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { makeStore, postgresReachable, type TestStore } from "../support/databases.js";
import { eventOf, SAMPLE_DATA } from "../support/events.js";

describe("the webhook outbox in the commit statement", () => {
  let store: TestStore;
  let app: App;
  let skip = false;
  beforeAll(async () => {
    if (!(await postgresReachable())) return void (skip = true);
    store = await makeStore("postgres");
    app = await createApp({
      ...store.config,
      executors: { fn: () => new InProcessExecutor(() => "ok") },
      recover: false,
      logger: silentLogger,
      webhooks: { allowPrivate: true },
    });
  }, 30_000);
  afterAll(async () => {
    await app?.stop();
    await store?.dispose();
  });

  it("is written with the transition or not at all", async ({ skip: s }) => {
    if (skip) return s();
    const { runId } = await app.engine.startRun({ source: inlineSource(["a"]), options: { executor: "fn" } });
    await app.engine.waitForRun(runId);
    const { endpoint } = await app.webhooks.create({ url: "http://127.0.0.1:9/x", events: ["run.finished", "run.cancelled"] });
    const raw = new PrismaRunStore(app.db);
    const run = (await raw.getRun(runId))!;
    expect(await raw.acquireLease(runId, "me", 60_000)).toBe(true);
    const batch = (owner: string, seq: number): CommitBatch => ({
      runId,
      owner,
      run: { ...run, status: "cancelled", lastSeq: seq },
      tasks: [],
      attempts: [],
      events: [eventOf("run.finished", { runId, seq, data: { ...SAMPLE_DATA["run.finished"], status: "cancelled", reason: "test" } })],
      memo: [],
    });
    await expect(raw.commit(batch("someone-else", run.lastSeq + 1))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await app.webhooks.deliveries({ runId, limit: 10 })).toEqual([]);
    await raw.commit(batch("me", run.lastSeq + 1));
    const written = await app.webhooks.deliveries({ runId, limit: 10 });
    expect(written.map((d) => [d.type, d.endpointId]).sort()).toEqual([
      ["run.cancelled", endpoint.id],
      ["run.finished", endpoint.id],
    ]);
    expect(JSON.parse(written[0]!.payload)).toMatchObject({ data: { runId, status: "cancelled", reason: "test" } });
    await app.webhooks.delete(endpoint.id);
  });

  it("rides in a statement of many runs' commits, each run's written with it or not at all", async ({ skip: s }) => {
    if (skip) return s();
    const ids: string[] = [];
    for (const t of ["m1", "m2"]) {
      const { runId } = await app.engine.startRun({ source: inlineSource([t]), options: { executor: "fn" } });
      await app.engine.waitForRun(runId);
      ids.push(runId);
    }
    const { endpoint } = await app.webhooks.create({ url: "http://127.0.0.1:9/x", events: ["run.finished"] });
    const raw = new PrismaRunStore(app.db);
    const batch = async (runId: string, owner: string): Promise<CommitBatch> => {
      const run = (await raw.getRun(runId))!;
      const seq = run.lastSeq + 1;
      const data = { ...SAMPLE_DATA["run.finished"], status: "cancelled" as const, reason: `test ${runId}` };
      return {
        runId,
        owner,
        run: { ...run, status: "cancelled", lastSeq: seq },
        tasks: [],
        attempts: [],
        events: [eventOf("run.finished", { runId, seq, data })],
        memo: [],
      };
    };
    const [mine, theirs] = ids as [string, string];
    expect(await raw.acquireLease(mine, "me", 60_000)).toBe(true);
    expect(await raw.acquireLease(theirs, "them", 60_000)).toBe(true);
    expect(await raw.commitMany([await batch(theirs, "me"), await batch(mine, "me")])).toEqual([mine]);
    expect(await app.webhooks.deliveries({ runId: theirs, limit: 10 })).toEqual([]);
    const written = await app.webhooks.deliveries({ runId: mine, limit: 10 });
    expect(written.map((d) => [d.type, d.endpointId])).toEqual([["run.finished", endpoint.id]]);
    expect(JSON.parse(written[0]!.payload)).toMatchObject({
      type: "run.finished",
      data: { runId: mine, status: "cancelled", reason: `test ${mine}` },
    });
    await app.webhooks.delete(endpoint.id);
  });

  it("is left out of the statement when no endpoint wants the notice", () => {
    const b = {
      runId: "r",
      owner: "o",
      run: { status: "succeeded", lastSeq: 2 },
      tasks: [],
      attempts: [],
      events: [eventOf("run.finished", { seq: 2, at: 0 })],
      memo: [],
    } as unknown as CommitBatch;
    expect(commitStatement(b, () => false).text).not.toContain("webhook_deliveries");
    expect(commitStatement(b, (t) => t === "run.finished").text).toContain("webhook_deliveries");
    expect(commitStatement({ ...b, events: [eventOf("task.succeeded", { seq: 2, at: 0 })] }, () => true).text).not.toContain(
      "webhook_deliveries",
    );
  });
});
