// A task may start before its own start record commits, but never before the
// success of what it depends on is durable; independent tasks therefore share
// commits even at maxParallel 1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { storeKinds } from "../support/databases.js";
import { openTestEngine, recordEvents, type TestEngine } from "../support/engine.js";

const kinds = await storeKinds();
let prefixCounter = 0;
const ids = (n: number) => {
  const p = `e${++prefixCounter}-${Math.random().toString(36).slice(2, 6)}`;
  return Array.from({ length: n }, (_, i) => `${p}-${i + 1}`);
};

describe.each(kinds)("early starts on %s", (kind) => {
  let t: TestEngine;
  let commits = 0;
  beforeAll(async () => {
    t = await openTestEngine(kind);
    const store = t.engine.store;
    const commit = store.commit.bind(store);
    store.commit = (batch) => {
      commits++;
      return commit(batch);
    };
  });
  afterAll(async () => t?.close());

  it("starts a dependent only once its dependencies' success is recorded", async () => {
    // a chain interleaved with diamonds: every task depends on one or two earlier ones
    const list = ids(60);
    const deps = new Map(list.map((id, i) => [id, i === 0 ? [] : i % 3 === 0 ? [list[i - 1]!, list[i - 2]!] : [list[i - 1]!]]));
    const source = inlineSource(list.map((id) => ({ id, dependencies: deps.get(id)! })));
    const violations: string[] = [];
    for (const id of list) {
      t.tasks.set(id, async (req) => {
        const stored = await t.engine.store.loadUnits(req.runId);
        for (const d of deps.get(id)!) {
          const s = stored.find((u) => u.id === d)!.state.status;
          if (s !== "succeeded") violations.push(`${id} started while ${d} was recorded ${s}`);
        }
      });
    }
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn", maxParallel: 4 } });
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(violations).toEqual([]);
  });

  it("runs independent tasks at maxParallel 1 without a commit per start, and records every transition", async () => {
    const list = ids(300);
    const order: string[] = [];
    for (const id of list) t.tasks.set(id, () => void order.push(id));
    const before = commits;
    const { runId } = await t.engine.startRun({ source: inlineSource(list), options: { executor: "fn", maxParallel: 1 } });
    const events = recordEvents(t.engine, runId);
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(order).toEqual(list);
    // one commit per task (its start) would be 300; early starts share them
    expect(commits - before).toBeLessThan(100);
    const units = await t.engine.store.loadUnits(runId);
    expect(units.every((u) => u.state.status === "succeeded" && u.state.attempts === 1)).toBe(true);
    const attempts = await t.engine.store.listAttempts(runId);
    expect(attempts).toHaveLength(300);
    const stored = await t.engine.store.readEvents(runId, 0, 10_000);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    for (const id of list) {
      const mine = stored.filter((e) => e.taskId === id).map((e) => e.type);
      expect(mine).toEqual(["task.started", "task.succeeded"]);
    }
    expect(events.length).toBeGreaterThan(0);
  });
});
