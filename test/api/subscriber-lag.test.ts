// Subscribers that fall behind: runEventBatches coalesces what a slow consumer
// has not taken into lists of at most maxBatch events, so it catches up; a live
// subscriber that falls further behind than the server keeps is dropped with
// SUBSCRIBER_DROPPED, told where to go on from, and a client that resubscribes
// with `after` misses nothing (over the real graphql-ws client).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventFeeds } from "../../src/api/live/run-event-stream.js";
import { SubscriberDroppedError } from "../../src/api/live/subscriber-dropped.js";
import type { RunEvent } from "../../src/engine/ports.js";
import { postgresReachable } from "../support/databases.js";
import { inlineTasks, sleep, START, startTestServer, type TestServer } from "./support/server.js";

const kind = (await postgresReachable()) ? "postgres" : "pglite";
const EVENTS = `subscription ($runId: ID!, $after: Int) { runEvents(runId: $runId, after: $after) { seq type } }`;

describe(`subscribers that fall behind (${kind})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    // a window of one event, so that a commit of several leaves a one-by-one subscriber behind it
    s = await startTestServer(kind, { eventRetain: 1 });
  });
  afterAll(() => s.close());

  async function start(n: number, maxParallel: number) {
    const r = await s.gql(START, { input: { inline: inlineTasks(n), options: { executor: "fn", force: true, maxParallel } } });
    expect(r.body.data.startRun.__typename).toBe("StartRunPayload");
    return r.body.data.startRun.run.id as string;
  }

  async function storedUpToFinished(runId: string): Promise<number> {
    await s.app.engine.waitForRun(runId);
    const stored = await s.app.engine.store.readEvents(runId, 0, 100_000);
    return stored.find((e) => e.type === "run.finished")!.seq;
  }

  /** Resolves once `feeds` hands out lists up to `seq` (a subscriber just before it gets its list). */
  async function listedThrough(feeds: RunEventFeeds, runId: string, seq: number): Promise<void> {
    const probe = feeds.batches(runId, seq - 1);
    while (!((await probe.next()).value as readonly RunEvent[]).some((e) => e.seq >= seq));
    await probe.return();
  }

  it("a slow runEventBatches consumer gets its backlog in lists of at most maxBatch and catches up", async () => {
    const feeds = new RunEventFeeds(s.app.engine, { batchMs: 5, maxBatch: 40, retain: 10_000 });
    for (let i = 1; i <= 150; i++) s.tasks.set(`t${i}`, () => sleep(1));
    const runId = await start(150, 8);
    const slow = feeds.batches(runId, 0);
    const lists: number[][] = [];
    let pause = true;
    for (;;) {
      const { value } = await slow.next();
      const list = value as readonly RunEvent[];
      lists.push(list.map((e) => e.seq));
      if (list.some((e) => e.type === "run.finished")) break;
      // it took a list (it is live), then stalls until the run is over and the feed has every event
      // of it in its lists: ~300 events pile up (the feed's lists trail the commits by a batch or two)
      if (pause) await listedThrough(feeds, runId, await storedUpToFinished(runId));
      pause = false;
    }
    await slow.return();
    const seqs = lists.flat();
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.at(-1)).toBeGreaterThanOrEqual(await storedUpToFinished(runId));
    // the backlog came in lists of at most 40, most of them full: a few messages, not one per batch
    expect(Math.max(...lists.map((l) => l.length))).toBeLessThanOrEqual(40);
    expect(lists.slice(1, -1).every((l) => l.length >= 30)).toBe(true);
    // the backlog proper (after the list taken live and the one it was in when it stalled): every list full
    expect(lists.slice(2, -1).map((l) => l.length)).toEqual(lists.slice(2, -1).map(() => 40));
    expect(lists.length).toBeLessThanOrEqual(2 + Math.ceil(seqs.length / 30));
    expect(feeds.size).toBe(0);
    for (let i = 1; i <= 150; i++) s.tasks.delete(`t${i}`);
  });

  it("a live subscriber left further behind than the server keeps is dropped, told where it was", async () => {
    const feeds = new RunEventFeeds(s.app.engine, { batchMs: 0, retain: 20 });
    // the tasks wait until the subscriber took its first list from the feed's window (it is live)
    let go = () => {};
    const held = new Promise<void>((r) => (go = r));
    for (let i = 1; i <= 60; i++) s.tasks.set(`t${i}`, () => held.then(() => sleep(2)));
    const runId = await start(60, 4);
    const batches = feeds.batches(runId, 0);
    const first = (await batches.next()).value as readonly RunEvent[];
    const last = first.at(-1)!.seq;
    expect(last).toBeLessThan(20);
    go();
    await s.app.engine.waitForRun(runId); // ~120 events meanwhile: more than 20 behind
    const err = await batches.next().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SubscriberDroppedError);
    expect((err as SubscriberDroppedError).code).toBe("SUBSCRIBER_DROPPED");
    expect((err as SubscriberDroppedError).after).toBe(last);
    expect((err as Error).message).toContain(`after: ${last}`);
    expect(feeds.size).toBe(0); // it left the feed
    // a late joiner reading the database is not live yet: it is not dropped
    const late = feeds.batches(runId, 0);
    const seen: number[] = [];
    for (;;) {
      const list = (await late.next()).value as readonly RunEvent[];
      seen.push(...list.map((e) => e.seq));
      if (list.some((e) => e.type === "run.finished")) break;
    }
    await late.return();
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
    for (let i = 1; i <= 60; i++) s.tasks.delete(`t${i}`);
  });

  it("subscribers that start together from a point within the window share one read of it, not one each", async () => {
    for (let i = 1; i <= 100; i++) s.tasks.set(`t${i}`, () => "ok");
    const runId = await start(100, 8);
    const { lastSeq } = await s.app.engine.waitForRun(runId);
    let reads = 0;
    const store = s.app.engine.store;
    const counted = {
      getRun: (id: string) => store.getRun(id),
      readEvents: (id: string, after: number, limit: number) => (reads++, store.readEvents(id, after, limit)),
    };
    const feeds = new RunEventFeeds({ store: counted, bus: s.app.engine.bus }, { pageSize: 10, retain: 1_000 });
    const cursors = Array.from({ length: 5 }, () => feeds.batches(runId, 0));
    const lists = await Promise.all(
      cursors.map(async (c) => {
        const seqs: number[] = [];
        while (seqs.at(-1) !== lastSeq) seqs.push(...((await c.next()).value as readonly RunEvent[]).map((e) => e.seq));
        return seqs;
      }),
    );
    for (const seqs of lists) expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    // the feed read the run's pages once (one more finds the end); five cursors reading on their own would read five times
    expect(reads).toBeLessThanOrEqual(Math.ceil(lastSeq / 10) + 1);
    await Promise.all(cursors.map((c) => c.return()));
    for (let i = 1; i <= 100; i++) s.tasks.delete(`t${i}`);
  });

  it("over graphql-ws: a dropped runEvents subscriber gets SUBSCRIBER_DROPPED, resubscribes with after and misses nothing", async () => {
    // waves of 40 tasks ending together: commits of many events each
    for (let i = 1; i <= 600; i++) s.tasks.set(`t${i}`, () => sleep(100));
    const runId = await start(600, 40);
    const client = s.ws();
    const seqs: number[] = [];
    const drops: { code: unknown; message: string }[] = [];
    let finished = false;
    while (!finished) {
      const after = seqs.at(-1) ?? 0;
      await new Promise<void>((resolve, reject) => {
        const stop = client.subscribe<{ runEvents: { seq: number; type: string } }>(
          { query: EVENTS, variables: { runId, after } },
          {
            next: (r) => {
              if (r.errors) {
                drops.push({ code: r.errors[0]!.extensions?.code, message: r.errors[0]!.message });
                return;
              }
              const e = r.data!.runEvents;
              seqs.push(e.seq);
              if (e.type === "run.finished") {
                finished = true;
                stop();
                resolve();
              }
            },
            error: reject,
            complete: resolve,
          },
        );
      });
      if (drops.length > 1_000) throw new Error(`dropped ${drops.length} times: ${drops[0]?.message}`);
    }
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.at(-1)).toBe(await storedUpToFinished(runId));
    expect(drops.length).toBeGreaterThan(0);
    expect(drops[0]!.code).toBe("SUBSCRIBER_DROPPED");
    expect(drops[0]!.message).toMatch(/^dropped: this subscriber fell \d+ events behind run .* subscribe again with after: \d+/);
    for (let i = 1; i <= 600; i++) s.tasks.delete(`t${i}`);
  });
});
