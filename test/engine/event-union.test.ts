// The event union (src/core/events.ts) and the engine agree. At compile time
// (npm run typecheck): the journal's emit takes only the union's types, each
// with its own data; the bus takes only a Topic, with what that topic carries.
// At run time: runs that go through retries, a failure and its skips, progress,
// a group, a checkpoint, a pause and resume, a retry by hand, a mark by hand,
// memoization, a cancel and a run timeout emit every type of the union and no
// other, each with only the fields its type names, and the store gives back
// exactly what was published.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { PAYLOAD_EVENT_TYPES } from "../../src/api/types/run-event-data.js";
import { isRunEventType, RUN_EVENT_TYPES, type RunEvent, type RunEventDataMap, type RunEventType } from "../../src/core/events.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import type { ControlNotice } from "../../src/engine/bus-notices.js";
import type { EventBus } from "../../src/engine/ports.js";
import type { RunJournal } from "../../src/engine/run-journal.js";
import { topics, type Topic } from "../../src/engine/topics.js";
import { openTestEngine, recordEvents, sleep, type TestEngine } from "../support/engine.js";

/** Every field each type's data may hold: a key the union does not name fails to compile here. */
const DATA_KEYS: { [K in RunEventType]: Record<keyof RunEventDataMap[K], true> } = {
  "run.started": { mode: true, total: true },
  "run.resumed": { total: true, checkpointId: true },
  "run.paused": { running: true },
  "run.cancelling": { reason: true },
  "run.timing_out": { reason: true },
  "run.finished": {
    status: true,
    reason: true,
    total: true,
    pending: true,
    running: true,
    succeeded: true,
    failed: true,
    skipped: true,
    cancelled: true,
    memoized: true,
  },
  "run.checkpoint": { id: true, reason: true },
  "task.started": { attempt: true },
  "task.progress": { progress: true, message: true },
  "task.succeeded": { attempt: true, durationMs: true, exitCode: true, group: true, byHand: true },
  "task.memoized": {},
  "task.retrying": { attempt: true, durationMs: true, exitCode: true, error: true, delayMs: true },
  "task.failed": { attempt: true, durationMs: true, exitCode: true, error: true, final: true },
  "task.skipped": { reason: true, dependency: true, byHand: true },
  "task.cancelled": { attempt: true, durationMs: true, exitCode: true, reason: true },
  "task.reopened": { reopened: true },
};

describe("the event union at compile time", () => {
  it("types the journal's emit and the bus's topics by the union", () => {
    type Emit = Parameters<RunJournal["emit"]>;
    expectTypeOf<Emit[0]>().toEqualTypeOf<RunEventType>();
    expectTypeOf<Emit[2]>().toEqualTypeOf<RunEventDataMap[RunEventType]>();
    expectTypeOf<Extract<RunEvent, { type: "run.checkpoint" }>["data"]>().toEqualTypeOf<{ id: string; reason: string }>();
    expectTypeOf(topics.runEvents("r")).toEqualTypeOf<Topic<RunEvent>>();
    expectTypeOf(topics.control).toEqualTypeOf<Topic<ControlNotice>>();
    // never called: what must not compile
    const _wrong = (j: RunJournal, bus: EventBus, e: RunEvent) => {
      // @ts-expect-error an event type the union does not have
      j.emit("task.exploded", "a", {});
      // @ts-expect-error a field the type does not have
      j.emit("task.started", "a", { attempt: 1, extra: true });
      // @ts-expect-error a field the type needs, missing
      j.emit("run.paused", undefined, {});
      // @ts-expect-error a topic is made by topics, not written as a string
      bus.subscribe("run:r", () => undefined);
      // @ts-expect-error a run's events on the control topic
      bus.publish(topics.control, [e]);
    };
    expect(typeof _wrong).toBe("function");
  });

  it("lists every type of the union, and the API's payload names each", () => {
    expect(new Set(RUN_EVENT_TYPES).size).toBe(Object.keys(DATA_KEYS).length);
    expect([...PAYLOAD_EVENT_TYPES].sort()).toEqual([...RUN_EVENT_TYPES].sort());
    expect(isRunEventType("run.finished")).toBe(true);
    expect(isRunEventType("run.exploded")).toBe(false);
    expect(isRunEventType("toString")).toBe(false);
  });
});

describe("the events the engine emits", () => {
  let t: TestEngine;
  /** What subscribers saw of each run, from just after its start. */
  const seen: RunEvent[][] = [];
  const runIds: string[] = [];
  beforeAll(async () => {
    t = await openTestEngine("pglite");
  });
  afterAll(async () => t?.close());

  const start = async (...args: Parameters<TestEngine["engine"]["startRun"]>) => {
    const { runId } = await t.engine.startRun(...args);
    runIds.push(runId);
    seen.push(recordEvents(t.engine, runId));
    return runId;
  };

  it("are each a type of the union, with only its fields, and every type of it is emitted", async () => {
    const p = `u-${Date.now().toString(36)}`;
    const [group, flaky, broken, dependent, slow, other] = ["group", "flaky", "broken", "dependent", "slow", "other"].map(
      (n) => `${p}-${n}`,
    ) as [string, string, string, string, string, string];
    let flakyCalls = 0;
    let brokenHealthy = false;
    let release: (() => void) | undefined;
    t.tasks.set(`${group}.1`, () => "sub");
    t.tasks.set(flaky, () => {
      if (++flakyCalls === 1) throw new Error("once");
    });
    t.tasks.set(broken, () => {
      if (!brokenHealthy) throw new Error("not yet");
    });
    t.tasks.set(slow, (req) => {
      req.onProgress?.(0.5, "half way");
      return new Promise<void>((r) => (release = r));
    });
    t.tasks.set(other, () => {
      throw new Error("never works");
    });
    // a group, a retry, a final failure and its skipped dependent, progress; a checkpoint, a pause and resume meanwhile
    const source = inlineSource([
      { id: group, subtasks: [{ id: 1 }] },
      { id: flaky },
      { id: broken },
      { id: dependent, dependencies: [broken] },
      { id: slow },
      { id: other },
    ]);
    const options = {
      executor: "fn",
      maxParallel: 4,
      expandSubtasks: true,
      continueOnError: true,
      retry: { retryLimit: 1, baseDelayMs: 1, maxDelayMs: 2 },
    };
    const a = await start({ source, options });
    while (!release || flakyCalls < 2) await sleep(5);
    await t.engine.checkpointRun(a);
    await t.engine.pauseRun(a);
    await t.engine.resumeRun(a);
    release();
    expect((await t.engine.waitForRun(a)).status).toBe("completed_with_failures");
    // by hand: a retry (reopening the skipped dependent), a mark
    brokenHealthy = true;
    await t.engine.retryTask(a, broken);
    await t.engine.waitForRun(a);
    await t.engine.markTask(a, other, "succeeded");
    expect((await t.engine.waitForRun(a)).status).toBe("succeeded");

    // the same task again: memoized
    const b = await start({ source: inlineSource([flaky]), options: { executor: "fn" } });
    await t.engine.waitForRun(b);
    // a cancel, and a run timeout, while a task hangs
    t.tasks.set(`${p}-hang`, () => new Promise(() => undefined));
    const c = await start({ source: inlineSource([`${p}-hang`]), options: { executor: "fn", force: true } });
    while ((await t.engine.progress(c)).running.length === 0) await sleep(5);
    await t.engine.cancelRun(c);
    expect((await t.engine.waitForRun(c)).status).toBe("cancelled");
    const d = await start({ source: inlineSource([`${p}-hang`]), options: { executor: "fn", force: true, runTimeoutMs: 50 } });
    expect((await t.engine.waitForRun(d)).status).toBe("timed_out");

    // every event is committed before it is published: the store holds all the engine emitted
    const stored: RunEvent[] = [];
    for (const runId of runIds) stored.push(...(await t.engine.store.readEvents(runId, 0, 10_000)));
    expect(stored.filter((e) => !isRunEventType(e.type))).toEqual([]);
    const extraFields = stored.flatMap((e) =>
      Object.keys(e.data)
        .filter((k) => !(k in DATA_KEYS[e.type]))
        .map((k) => `${e.type}.${k}`),
    );
    expect(extraFields).toEqual([]);
    expect([...new Set(stored.map((e) => e.type))].sort()).toEqual([...RUN_EVENT_TYPES].sort());
    expect(stored.some((e) => e.type === "task.succeeded" && e.data.group === true)).toBe(true);
    expect(stored.some((e) => e.type === "task.succeeded" && e.data.byHand === true)).toBe(true);

    // and gives back as the union exactly what subscribers were given
    const published = seen.flat();
    expect(published.length).toBeGreaterThan(stored.length / 2);
    const byKey = new Map(stored.map((e) => [`${e.runId}:${e.seq}`, e]));
    expect(published.map((e) => byKey.get(`${e.runId}:${e.seq}`))).toEqual(published);
  });
});
