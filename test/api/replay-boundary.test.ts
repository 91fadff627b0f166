// runEvents replayed to a real graphql-ws client, with the API's fast paths on
// (a page of history executed at once and sent as one message per event, several
// in one socket write) and off (plain Yoga and graphql-ws): from `after` at any
// point of a finished run's history, and of a run still going (the replay from
// the database, then the run's shared feed, then live), every event once, in
// order, with exactly the content the database holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunEvent } from "../../src/engine/ports.js";
import { postgresReachable } from "../support/databases.js";
import { collect, inlineTasks, sleep, START, startTestServer, type TestServer } from "./support/server.js";

const kind = (await postgresReachable()) ? "postgres" : "pglite";

// an alias, a fragment and every field of an event: the page's execution must give each event's own result
const EVENTS = `subscription ($runId: ID!, $after: Int) {
  ev: runEvents(runId: $runId, after: $after, untilFinished: true) { seq ...rest }
}
fragment rest on RunEvent { runId type taskId at data }`;
type Ev = { ev: { seq: number; runId: string; type: string; taskId: string | null; at: string; data: unknown } };

/** An error as it reads in a failure: a closed socket by its code and reason. */
const described = (errors: unknown[]) =>
  errors.map((e) => (e && typeof e === "object" && "code" in e && "reason" in e ? `closed ${String(e.code)}: ${String(e.reason)}` : e));

/** The events as the API shows them, from the database. */
const shown = (events: RunEvent[]) =>
  events.map((e) => ({
    seq: e.seq,
    runId: e.runId,
    type: e.type,
    taskId: e.taskId ?? null,
    at: new Date(e.at).toISOString(),
    data: e.data,
  }));

describe.each([true, false])(`runEvents replay to a graphql-ws client (${kind}, fast paths %s)`, (fastPaths) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind, { fastPaths });
  });
  afterAll(() => s.close());

  async function start(n: number, maxParallel: number) {
    const r = await s.gql(START, { input: { inline: inlineTasks(n), options: { executor: "fn", force: true, maxParallel } } });
    expect(r.body.data.startRun.__typename).toBe("StartRunPayload");
    return r.body.data.startRun.run.id as string;
  }

  const stored = (runId: string) => s.app.engine.store.readEvents(runId, 0, 1_000_000);

  it("of a finished run, from any point: each event after it once, in order, as stored", async () => {
    const runId = await start(700, 16);
    await s.app.engine.waitForRun(runId);
    const all = await stored(runId);
    const last = all.at(-1)!.seq;
    expect(last).toBeGreaterThan(1_200); // several pages of 500 before the feed's window (the last 500)
    expect(all.at(-1)!.type).toBe("run.finished");
    // page edges of the database reads and of the feed's window, and points between
    const points = [0, 1, 255, 256, 257, 499, 500, 501, 999, 1_000, 1_001, last - 501, last - 500, last - 499, last - 2, last - 1];
    const subs = points.map((after) => ({ after, sub: collect<Ev>(s.ws(), EVENTS, { runId, after }) }));
    for (const { after, sub } of subs) {
      const items = await sub.done; // completes after run.finished (untilFinished)
      expect(described(sub.errors), `after ${after}`).toEqual([]);
      expect(
        items.map((i) => i.ev),
        `after ${after}`,
      ).toEqual(shown(all.slice(after)));
    }
  });

  it("of a run still going, from several points: the replay, then the feed, then live, without gap or duplicate", async () => {
    for (let i = 1; i <= 1_500; i++) s.tasks.set(`t${i}`, () => sleep(i % 2));
    try {
      const runId = await start(1_500, 8);
      // more than two pages are in the database, and more are coming
      for (let i = 0; i < 500 && (await stored(runId)).length < 1_200; i++) await sleep(20);
      const now = (await stored(runId)).length;
      expect(now).toBeGreaterThanOrEqual(1_200);
      const points = [0, 1, 499, 500, 501, now - 600, now - 1, now];
      const subs = points.map((after) => ({ after, sub: collect<Ev>(s.ws(), EVENTS, { runId, after }) }));
      await s.app.engine.waitForRun(runId);
      const all = await stored(runId);
      for (const { after, sub } of subs) {
        const items = await sub.done;
        expect(described(sub.errors), `after ${after}`).toEqual([]);
        expect(
          items.map((i) => i.ev),
          `after ${after}`,
        ).toEqual(shown(all.slice(after)));
      }
    } finally {
      for (let i = 1; i <= 1_500; i++) s.tasks.delete(`t${i}`);
    }
  });
});
