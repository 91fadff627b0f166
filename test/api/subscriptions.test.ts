// Subscriptions over graphql-ws and SSE on a real server and store: runEvents
// and runEventBatches replay then go live with no gap and no duplicate (also
// across reconnects and over a bus that loses and repeats messages), a slow
// client's backlog comes in one list, subscribers in step share one feed and
// one list object, runProgress is coalesced and ends with the final snapshot
// (also when the bus lost every event of the run), runsChanged catches up from the
// database what the bus lost once the bus says it is back,
// runsChanged reports runs starting and ending.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventFeeds } from "../../src/api/live/run-event-stream.js";
import { isRunChange } from "../../src/core/events.js";
import type { EventBus, RunEvent } from "../../src/engine/ports.js";
import type { ResyncNotice } from "../../src/engine/bus-notices.js";
import { isRunEventsTopic, topics, type Topic } from "../../src/engine/topics.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { postgresReachable } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { collect, inlineTasks, sleep, START, startTestServer, type TestServer } from "./support/server.js";

const EVENTS = `subscription ($runId: ID!, $after: Int) { runEvents(runId: $runId, after: $after) { seq type taskId } }`;
type Ev = { runEvents: { seq: number; type: string } };
const BATCHES = `subscription ($runId: ID!, $after: Int) { runEventBatches(runId: $runId, after: $after) { seq type } }`;
type Batch = { runEventBatches: { seq: number; type: string }[] };
// a list may go on after run.finished (the final checkpoint)
const finished = (items: Batch[]) => items.at(-1)?.runEventBatches.some((e) => e.type === "run.finished") ?? false;

/** Drops every 5th publish and repeats every 7th: what a flaky transport does. */
class LossyBus implements EventBus {
  private n = 0;
  readonly inner = new MemoryBus();
  publish<T>(topic: Topic<T>, events: readonly NoInfer<T>[]): void {
    this.n++;
    if (this.n % 5 === 0) return;
    this.inner.publish(topic, events);
    if (this.n % 7 === 0) this.inner.publish(topic, events);
  }
  subscribe<T>(topic: Topic<T>, l: (e: readonly T[]) => void) {
    return this.inner.subscribe(topic, l);
  }
}

const kind = (await postgresReachable()) ? "postgres" : "pglite";

describe(`subscriptions (${kind})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(() => s.close());

  async function start(n: number, options: Record<string, unknown> = {}, chain = false) {
    const r = await s.gql(START, {
      input: { inline: inlineTasks(n, chain), options: { executor: "fn", force: true, maxParallel: 8, ...options } },
    });
    expect(r.body.data.startRun.__typename).toBe("StartRunPayload");
    return r.body.data.startRun.run.id as string;
  }

  const expectExactly = (seqs: number[], from: number, to: number) =>
    expect(seqs).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));

  /** Exactly the run's events 1..n as the database has them, n at least its run.finished (a list may go on to the final checkpoint). */
  async function expectAllUpToFinished(runId: string, seqs: number[]) {
    await s.app.engine.waitForRun(runId);
    const stored = await s.app.engine.store.readEvents(runId, 0, 100_000);
    const finished = stored.find((e) => e.type === "run.finished")!;
    expectExactly(seqs, 1, Math.max(finished.seq, Math.min(seqs.at(-1) ?? 0, stored.at(-1)!.seq)));
  }

  const withTasks = (n: number, ms: number) => {
    for (let i = 1; i <= n; i++) s.tasks.set(`t${i}`, () => sleep(ms));
  };

  it("runEvents joined mid-run delivers every event once, in order, replay then live", async () => {
    for (let i = 1; i <= 400; i++) s.tasks.set(`t${i}`, () => sleep(i % 3));
    const runId = await start(400);
    await sleep(30); // some events are in the database already, more are coming
    const sub = collect<Ev>(s.ws(), EVENTS, { runId }, (items) => items.at(-1)?.runEvents.type === "run.finished");
    const items = await sub.done;
    expect(sub.errors).toEqual([]);
    await expectAllUpToFinished(
      runId,
      items.map((i) => i.runEvents.seq),
    );
    for (let i = 1; i <= 400; i++) s.tasks.delete(`t${i}`);
  });

  it("reconnecting with after gets exactly what was missed", async () => {
    for (let i = 1; i <= 200; i++) s.tasks.set(`t${i}`, () => sleep(2));
    const runId = await start(200, { maxParallel: 4 });
    const first = collect<Ev>(s.ws(), EVENTS, { runId }, (items) => items.length >= 60);
    const part1 = (await first.done).map((i) => i.runEvents.seq);
    await sleep(50); // events go on while nobody listens
    const last = part1.at(-1)!;
    const second = collect<Ev>(s.ws(), EVENTS, { runId, after: last }, (items) => items.at(-1)?.runEvents.type === "run.finished");
    const part2 = (await second.done).map((i) => i.runEvents.seq);
    await expectAllUpToFinished(runId, [...part1, ...part2]);
    for (let i = 1; i <= 200; i++) s.tasks.delete(`t${i}`);
  });

  it("runEvents fills the gaps of a bus that loses and repeats messages", async () => {
    const lossy = new LossyBus();
    // the store is the server's; the bus is a lossy copy of what the engine publishes
    const off = s.app.engine.bus.subscribe(topics.runChanges, () => undefined);
    const runId = await start(150, { maxParallel: 3 });
    const relay = s.app.engine.bus.subscribe(topics.runEvents(runId), (events) => lossy.publish(topics.runEvents(runId), events));
    const feeds = new RunEventFeeds({ store: s.app.engine.store, bus: lossy }, { pollMs: 100, pageSize: 7 });
    const seqs: number[] = [];
    for await (const e of feeds.events(runId, 0)) {
      seqs.push(e.seq);
      if (e.type === "run.finished") break;
    }
    await expectAllUpToFinished(runId, seqs);
    expect(feeds.size).toBe(0); // the last subscriber gone, the run's feed is closed
    relay();
    off();
  });

  it("runEvents on an unknown run is an error naming it", async () => {
    const sub = collect<Ev>(s.ws(), EVENTS, { runId: "no-such-run" });
    await sub.done;
    expect(JSON.stringify(sub.errors)).toContain("run not found: no-such-run");
  });

  it("runProgress is coalesced to a bounded rate and ends with the final snapshot", async () => {
    for (let i = 1; i <= 300; i++) s.tasks.set(`t${i}`, () => sleep(1));
    const runId = await start(300, { maxParallel: 4 });
    const t0 = Date.now();
    const sub = collect<{ runProgress: { percent: number; settled: number; counts: { succeeded: number } } }>(
      s.ws(),
      `subscription ($runId: ID!) { runProgress(runId: $runId) { percent settled counts { succeeded } } }`,
      { runId },
    );
    const items = await sub.done; // completes by itself after the final snapshot
    const elapsed = Date.now() - t0;
    expect(sub.errors).toEqual([]);
    expect(items.at(-1)!.runProgress).toEqual({ percent: 100, settled: 300, counts: { succeeded: 300 } });
    // at most one per 50 ms interval, plus the first and the final one
    expect(items.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 3);
    expect(items.length).toBeLessThan(300);
    const settled = items.map((i) => i.runProgress.settled);
    expect([...settled].sort((a, b) => a - b)).toEqual(settled);
    for (let i = 1; i <= 300; i++) s.tasks.delete(`t${i}`);
  });

  it("runProgress of a finished run sends one final snapshot and completes", async () => {
    const runId = await start(3);
    await s.app.engine.waitForRun(runId);
    const sub = collect<{ runProgress: { percent: number } }>(
      s.ws(),
      `subscription ($runId: ID!) { runProgress(runId: $runId) { percent } }`,
      { runId },
    );
    expect(await sub.done).toEqual([{ runProgress: { percent: 100 } }]);
  });

  it("runsChanged reports runs started and finished", async () => {
    const client = s.ws();
    const sub = collect<{ runsChanged: { runId: string; type: string; run: { status: string } | null } }>(
      client,
      `subscription { runsChanged { runId type run { status } } }`,
      {},
      (items) => items.some((i) => i.runsChanged.type === "run.finished"),
    );
    await sleep(100); // the subscription is live before the run starts
    const gauge = async () => (await s.metrics.activeSubscriptions.get()).values[0]!.value;
    expect(await gauge()).toBe(1);
    const runId = await start(5);
    const items = await sub.done;
    await sleep(50);
    expect(await gauge()).toBe(0); // ended by the client, counted out
    const mine = items.filter((i) => i.runsChanged.runId === runId).map((i) => i.runsChanged.type);
    expect(mine[0]).toBe("run.started");
    expect(mine).toContain("run.finished");
    expect(mine.indexOf("run.finished")).toBeGreaterThan(0);
  });

  it("runsChanged with `since` replays the changes recorded from then on, then goes live, each once", async () => {
    const before = await start(2);
    await s.app.engine.waitForRun(before);
    await sleep(2_100); // beyond the 2 s read again before since
    const missed = await start(3);
    await s.app.engine.waitForRun(missed);
    const runLevel = async (runId: string) =>
      (await s.app.engine.store.readEvents(runId, 0, 1_000)).filter(isRunChange).map((e) => ({ runId, type: e.type, at: e.at }));
    const missedEvents = await runLevel(missed);
    const since = new Date(missedEvents[0]!.at).toISOString(); // the client saw nothing of `missed` yet
    type Change = { runsChanged: { runId: string; type: string; event: { seq: number; at: string } } };
    let later = "";
    const sub = collect<Change>(
      s.ws(),
      `subscription ($since: DateTime) { runsChanged(since: $since) { runId type event { seq at } } }`,
      { since },
      (items) => items.some((i) => i.runsChanged.runId === later && i.runsChanged.type === "run.finished"),
    );
    await eventually(() => sub.items.some((i) => i.runsChanged.runId === missed && i.runsChanged.type === "run.finished"));
    later = await start(2);
    // the run may have finished before startRun's answer arrived: wait for it here, not in `until` alone
    await eventually(() => sub.items.some((i) => i.runsChanged.runId === later && i.runsChanged.type === "run.finished"));
    sub.stop();
    const items = sub.items.map((i) => i.runsChanged);
    expect(sub.errors).toEqual([]);
    expect(items.some((i) => i.runId === before)).toBe(false); // recorded before `since`
    const ofRun = (runId: string) => items.filter((i) => i.runId === runId).map((i) => i.type);
    expect(ofRun(missed)).toEqual(missedEvents.map((e) => e.type)); // replayed, in order, once
    const laterTypes = (await runLevel(later)).map((e) => e.type);
    expect(ofRun(later)).toEqual(laterTypes.slice(0, laterTypes.indexOf("run.finished") + 1)); // live, up to its end
    const keys = items.map((i) => `${i.runId}:${i.event.seq}`);
    expect(new Set(keys).size).toBe(keys.length);
    // the replay comes before anything live
    expect(items.findIndex((i) => i.runId === later)).toBeGreaterThan(items.findLastIndex((i) => i.runId === missed));
  });

  it("runsChanged refuses a `since` that is not an instant, naming it", async () => {
    const sub = collect(s.ws(), `subscription ($since: DateTime) { runsChanged(since: $since) { runId } }`, { since: "last tuesday" });
    await sub.done;
    expect(JSON.stringify(sub.errors)).toMatch(/\$since.*DateTime must be an ISO 8601 string/);
  });

  it("runsChanged refuses a `since` more than an hour ago, naming it", async () => {
    const sub = collect(s.ws(), `subscription ($since: DateTime) { runsChanged(since: $since) { runId } }`, {
      since: new Date(Date.now() - 2 * 3_600_000).toISOString(),
    });
    await sub.done;
    expect(JSON.stringify(sub.errors)).toMatch(/since: .*more than an hour ago.*INVALID_OPTION/);
  });

  it("streams runEvents over SSE too", async () => {
    const runId = await start(4);
    const run = await s.app.engine.waitForRun(runId);
    const ac = new AbortController();
    const res = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: EVENTS, variables: { runId, after: 2 } }),
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const seqs: number[] = [];
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      const datas = [...text.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1]!));
      seqs.splice(0, seqs.length, ...datas.filter((d) => d.data).map((d) => d.data.runEvents.seq));
      if (seqs.at(-1) === run.lastSeq) break;
    }
    ac.abort();
    expectExactly(seqs, 3, run.lastSeq);
  });

  it("ends an SSE subscription on the server when its client leaves", async () => {
    const gauge = async () => (await s.metrics.activeSubscriptions.get()).values[0]!.value;
    const ac = new AbortController();
    const res = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: `subscription { runsChanged { runId type } }` }),
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    await eventually(async () => (await gauge()) === 1);
    ac.abort();
    await eventually(async () => (await gauge()) === 0);
  });

  it("runEventBatches joined mid-run: every event once, in order, in lists, replay then live", async () => {
    withTasks(300, 2);
    const runId = await start(300);
    await sleep(30); // some events are in the database already, more are coming
    const sub = collect<Batch>(s.ws(), BATCHES, { runId }, finished);
    const items = await sub.done;
    expect(sub.errors).toEqual([]);
    const seqs = items.flatMap((i) => i.runEventBatches.map((e) => e.seq));
    await expectAllUpToFinished(runId, seqs);
    // coalesced: far fewer messages than events
    expect(items.length).toBeLessThan(seqs.length / 3);
  });

  it("runEventBatches reconnecting with after gets exactly what was missed", async () => {
    withTasks(200, 2);
    const runId = await start(200, { maxParallel: 4 });
    const first = collect<Batch>(s.ws(), BATCHES, { runId }, (items) => items.flatMap((i) => i.runEventBatches).length >= 60);
    const part1 = (await first.done).flatMap((i) => i.runEventBatches.map((e) => e.seq));
    await sleep(50); // events go on while nobody listens
    const second = collect<Batch>(s.ws(), BATCHES, { runId, after: part1.at(-1)! }, finished);
    const part2 = (await second.done).flatMap((i) => i.runEventBatches.map((e) => e.seq));
    await expectAllUpToFinished(runId, [...part1, ...part2]);
  });

  it("runEvents and runEventBatches of one run on one connection agree", async () => {
    withTasks(100, 1);
    const runId = await start(100, { maxParallel: 4 });
    const client = s.ws();
    const batches = collect<Batch>(client, BATCHES, { runId }, finished);
    const single = collect<{ runEvents: { seq: number; type: string } }>(
      client,
      `subscription ($runId: ID!) { runEvents(runId: $runId) { seq type } }`,
      { runId },
      (items) => items.at(-1)?.runEvents.type === "run.finished",
    );
    const [b, e] = await Promise.all([batches.done, single.done]);
    const all = b.flatMap((i) => i.runEventBatches);
    expect(all.slice(0, e.length)).toEqual(e.map((i) => i.runEvents));
    await expectAllUpToFinished(
      runId,
      all.map((x) => x.seq),
    );
  });

  it("a cursor returned while it waits for events ends at once and leaves the feed; one never read never joins", async () => {
    const feeds = new RunEventFeeds(s.app.engine);
    withTasks(3, 0);
    const runId = await start(3);
    const { lastSeq } = await s.app.engine.waitForRun(runId);
    feeds.events(runId, 0); // created, never read
    expect(feeds.size).toBe(0);
    const waiting = feeds.events(runId, lastSeq);
    const next = waiting.next(); // nothing after the last event: it waits
    await sleep(50);
    expect(feeds.size).toBe(1);
    const t0 = Date.now();
    await waiting.return();
    expect(await next).toEqual({ value: undefined, done: true });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(feeds.size).toBe(0);
  });

  it("runEventBatches: a slow subscriber gets its backlog in one list; subscribers in step share one feed and one list object", async () => {
    const feeds = new RunEventFeeds(s.app.engine, { batchMs: 5 });
    withTasks(50, 0);
    const runId = await start(50);
    const slow = feeds.batches(runId, 0);
    const a = feeds.batches(runId, 0);
    const b = feeds.batches(runId, 0);
    // a and b keep up; slow is not read until the run is over
    const seen: number[] = [];
    let shared = 0;
    for (;;) {
      const [x, y] = await Promise.all([a.next(), b.next()]);
      const list = x.value as readonly RunEvent[];
      if (list === y.value) shared++;
      expect(y.value).toEqual(list);
      seen.push(...list.map((e) => e.seq));
      if (list.some((e) => e.type === "run.finished")) break;
    }
    expect(feeds.size).toBe(1);
    expect(shared).toBeGreaterThan(0);
    await expectAllUpToFinished(runId, seen);
    const backlog = (await slow.next()).value as readonly RunEvent[];
    expect(backlog.map((e) => e.seq).slice(0, seen.length)).toEqual(seen);
    await Promise.all([slow.return(), a.return(), b.return()]);
    await sleep(10);
    expect(feeds.size).toBe(0); // the last subscriber gone, the feed is closed
  });
});

/** Delivers nothing about runs: a bus that lost every run event (Redis down for the whole run). */
class DeafBus implements EventBus {
  readonly inner = new MemoryBus();
  publish<T>(topic: Topic<T>, events: readonly NoInfer<T>[]): void {
    if (!isRunEventsTopic(topic)) this.inner.publish(topic, events);
  }
  subscribe<T>(topic: Topic<T>, l: (e: readonly T[]) => void) {
    return this.inner.subscribe(topic, l);
  }
}

describe(`runProgress with a bus that loses every run event (${kind})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind, { eventPollMs: 200 }, { bus: new DeafBus() });
  });
  afterAll(() => s.close());

  it("still ends with the final snapshot, found by looking at the run", async () => {
    for (let i = 1; i <= 20; i++) s.tasks.set(`t${i}`, () => sleep(5));
    const r = await s.gql(START, { input: { inline: inlineTasks(20), options: { executor: "fn", force: true, maxParallel: 2 } } });
    const runId = r.body.data.startRun.run.id as string;
    const sub = collect<{ runProgress: { percent: number; settled: number } }>(
      s.ws(),
      `subscription ($runId: ID!) { runProgress(runId: $runId) { percent settled } }`,
      { runId },
    );
    const items = await sub.done;
    expect(sub.errors).toEqual([]);
    expect(items.at(-1)!.runProgress).toEqual({ percent: 100, settled: 20 });
  });
});

/** Loses run-level notices while `dropping`, as a bus between replicas does while Redis is away. */
class GappyBus implements EventBus {
  dropping = false;
  readonly inner = new MemoryBus();
  publish<T>(topic: Topic<T>, events: readonly NoInfer<T>[]): void {
    if (!(this.dropping && topic === topics.runChanges)) this.inner.publish(topic, events);
  }
  subscribe<T>(topic: Topic<T>, l: (e: readonly T[]) => void) {
    return this.inner.subscribe(topic, l);
  }
}

describe(`runsChanged when the bus lost messages (${kind})`, () => {
  const bus = new GappyBus();
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind, {}, { bus });
  });
  afterAll(() => s.close());

  it("delivers what was recorded meanwhile once the bus says it is back, each event once", async () => {
    type Change = { runsChanged: { runId: string; type: string; event: { seq: number } } };
    const sub = collect<Change>(s.ws(), `subscription { runsChanged { runId type event { seq } } }`, {});
    await sleep(100);
    const lostFrom = Date.now();
    bus.dropping = true;
    const r = await s.gql(START, { input: { inline: inlineTasks(3), options: { executor: "fn", force: true } } });
    const runId = r.body.data.startRun.run.id as string;
    await s.app.engine.waitForRun(runId);
    bus.dropping = false;
    await sleep(100);
    // what a Redis bus publishes in its own process once it has reconnected; twice, as two reconnects would
    const notice = (since: number): ResyncNotice => ({ runId: "", seq: 0, type: "bus.resync", data: { since }, at: Date.now() });
    bus.publish(topics.busResync, [notice(lostFrom)]);
    bus.publish(topics.busResync, [notice(lostFrom - 1_000)]);
    await eventually(() => sub.items.some((i) => i.runsChanged.runId === runId && i.runsChanged.type === "run.finished"));
    await sleep(300); // the second catch-up has answered too
    sub.stop();
    expect(sub.errors).toEqual([]);
    const mine = sub.items.filter((i) => i.runsChanged.runId === runId).map((i) => [i.runsChanged.type, i.runsChanged.event.seq]);
    const stored = (await s.app.engine.store.readEvents(runId, 0, 1_000)).filter(isRunChange).map((e) => [e.type, e.seq]);
    expect(mine).toEqual(stored);
    expect(mine.map((m) => m[0])).toEqual(expect.arrayContaining(["run.started", "run.finished"]));
  });
});
