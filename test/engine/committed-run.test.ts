// The record a driving engine answers from memory is the one the database holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import type { RunRecord } from "../../src/engine/store.js";
import { storeKinds } from "../support/databases.js";
import { eventually, openTestEngine, type TestEngine } from "../support/engine.js";

const comparable = ({ updatedAt: _u, leaseExpiresAt: _l, ...rest }: RunRecord) => rest;

describe.each(await storeKinds())("committedRun on %s", (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine(kind);
  });
  afterAll(() => t?.close());

  it("matches the stored run after each commit, and is gone once the engine lets the run go", async () => {
    let release = () => {};
    t.tasks.set("c2", () => new Promise<void>((r) => (release = r)));
    const { runId } = await t.engine.startRun({ source: inlineSource(["c1", "c2", "c3"]), options: { executor: "fn", force: true } });
    await eventually(() => t.engine.committedRun(runId)?.running === 1 && t.engine.committedRun(runId)?.succeeded === 1);
    expect(comparable(t.engine.committedRun(runId)!)).toEqual(comparable((await t.engine.store.getRun(runId))!));
    await t.engine.pauseRun(runId);
    await eventually(() => t.engine.committedRun(runId)?.status === "paused");
    expect(comparable(t.engine.committedRun(runId)!)).toEqual(comparable((await t.engine.store.getRun(runId))!));
    await t.engine.resumeRun(runId);
    release();
    const done = await t.engine.waitForRun(runId);
    expect(done.status).toBe("succeeded");
    expect(t.engine.committedRun(runId)).toBeUndefined();
  });
});
