// Events across replicas: two `conveyor serve` processes on the local
// PostgreSQL and Redis. A run started through A is seen on B over graphql-ws,
// every event in order; a subscriber that reconnects with `after` gets exactly
// what it missed; and when the Redis connections are cut mid-run, B's
// subscribers still get every event (from the database) while the servers
// reconnect by themselves. The idle re-read of the database is set to 20 s, so
// only Redis (and the gap filling it triggers) can deliver events in time. When A
// shuts down, B takes its runs over at once: the lease is set to 120 s, so B's own
// look for orphans (every half lease) cannot explain a takeover within seconds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "graphql-ws";
import { Redis } from "ioredis";
import WebSocket from "ws";
import type { ResyncNotice } from "../../src/engine/bus-notices.js";
import type { RunEvent } from "../../src/engine/ports.js";
import { topics } from "../../src/engine/topics.js";
import { RedisBus } from "../../src/pubsub/redis-bus.js";
import { postgresReachable, postgresStore, type TestStore } from "../support/databases.js";
import { REDIS_URL, redisReachable } from "../support/redis.js";
import { collect } from "./support/server.js";
import { gql, serve, watchTakeover } from "./support/process.js";

const ready = (await postgresReachable()) && (await redisReachable("replica"));
const START = `mutation ($input: StartRunInput!) { startRun(input: $input) { __typename ... on StartRunPayload { run { id } } } }`;
const EVENTS = `subscription ($runId: ID!, $after: Int) { runEvents(runId: $runId, after: $after) { seq type } }`;
type Ev = { runEvents: { seq: number; type: string } };

describe.skipIf(!ready)("two replicas over Redis", () => {
  let store: TestStore;
  let a: Awaited<ReturnType<typeof serve>>;
  let b: Awaited<ReturnType<typeof serve>>;
  const ws = (url: string) => createClient({ url: `${url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });

  beforeAll(async () => {
    store = await postgresStore();
    const env = { DATABASE_URL: store.config.databaseUrl!, REDIS_URL, CONVEYOR_API_EVENT_POLL_MS: "20000", CONVEYOR_LEASE_MS: "120000" };
    [a, b] = await Promise.all([serve(env), serve(env)]);
  });
  afterAll(async () => {
    for (const p of [a, b]) p?.proc.kill("SIGTERM");
    await Promise.all([a?.exited, b?.exited]);
    await store?.dispose();
  });

  async function startOnA(n: number) {
    const inline = Array.from({ length: n }, (_, i) => `r${i}`);
    const r = await gql(a.url, START, { input: { inline, options: { command: "sleep 0.02", maxParallel: 4 } } });
    return r.data.startRun.run.id as string;
  }

  async function storedUpToFinished(runId: string): Promise<number> {
    for (;;) {
      const r = await gql(a.url, `query ($id: ID!) { run(id: $id) { status events(first: 500) { edges { node { seq type } } } } }`, {
        id: runId,
      });
      const fin = r.data.run.events.edges.find((e: any) => e.node.type === "run.finished");
      if (fin) return fin.node.seq;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const untilFinished = (items: Ev[]) => items.at(-1)?.runEvents.type === "run.finished";

  it("B is ready with Redis, and a subscriber on B sees every event of a run started on A, in order", async () => {
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
    const client = ws(b.url);
    // live before the run exists: subscribe to runsChanged on B, then start on A
    const changes = collect<{ runsChanged: { runId: string; type: string } }>(
      client,
      `subscription { runsChanged { runId type } }`,
      {},
      (items) => items.some((i) => i.runsChanged.type === "run.started"),
    );
    await new Promise((r) => setTimeout(r, 200));
    const runId = await startOnA(30);
    expect((await changes.done).some((i) => i.runsChanged.runId === runId)).toBe(true);
    const t0 = Date.now();
    const sub = collect<Ev>(client, EVENTS, { runId }, untilFinished);
    const seqs = (await sub.done).map((i) => i.runEvents.seq);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(seqs).toEqual(range(1, await storedUpToFinished(runId)));
    await client.dispose();
  });

  it("a subscriber on B that reconnects with after gets exactly what it missed", async () => {
    const runId = await startOnA(40);
    const c1 = ws(b.url);
    const first = collect<Ev>(c1, EVENTS, { runId }, (items) => items.length >= 15);
    const part1 = (await first.done).map((i) => i.runEvents.seq);
    await c1.dispose();
    await new Promise((r) => setTimeout(r, 200));
    const c2 = ws(b.url);
    const second = collect<Ev>(c2, EVENTS, { runId, after: part1.at(-1) }, untilFinished);
    const part2 = (await second.done).map((i) => i.runEvents.seq);
    expect([...part1, ...part2]).toEqual(range(1, await storedUpToFinished(runId)));
    await c2.dispose();
  });

  it("B steers a run that A drives: checkpoint, pause, resume, cancel are relayed to A", async () => {
    const inline = Array.from({ length: 30 }, (_, i) => `p${i}`);
    const r = await gql(a.url, START, { input: { inline, options: { command: "sleep 0.1", maxParallel: 1, cancelGraceMs: 0 } } });
    const runId = r.data.startRun.run.id;
    const onB = (q: string) => gql(b.url, `mutation { ${q} }`);
    const cp = await onB(
      `checkpointRun(runId: "${runId}") { __typename ... on CheckpointPayload { checkpoint { checkpointId reason } } ... on ApiError { message } }`,
    );
    expect(cp.data.checkpointRun).toMatchObject({ __typename: "CheckpointPayload", checkpoint: { reason: "on demand" } });
    const paused = await onB(`pauseRun(runId: "${runId}") { __typename ... on RunPayload { run { status driver } } }`);
    expect(paused.data.pauseRun).toMatchObject({ __typename: "RunPayload", run: { status: "PAUSED" } });
    const cancelled = await onB(`cancelRun(runId: "${runId}", reason: "from B") { __typename ... on RunPayload { run { status } } }`);
    expect(cancelled.data.cancelRun.__typename).toBe("RunPayload");
    let status = "";
    for (let i = 0; i < 100 && status !== "CANCELLED"; i++) {
      await new Promise((res) => setTimeout(res, 100));
      status = (await gql(a.url, `{ run(id: "${runId}") { status } }`)).data.run.status;
    }
    expect(status).toBe("CANCELLED");
  });

  it("when the Redis connections are cut mid-run, B's subscriber still gets every event and the servers reconnect", async () => {
    const admin = new Redis(REDIS_URL);
    try {
      const runId = await startOnA(60);
      const client = ws(b.url);
      let cut = false;
      const sub = collect<Ev>(client, EVENTS, { runId }, (items) => {
        if (!cut && items.length >= 10) {
          cut = true;
          void (async () => {
            const list = (await admin.client("LIST")) as string;
            const ids = list
              .split("\n")
              .filter((l) => / name=conveyor-/.test(l))
              .map((l) => /id=(\d+)/.exec(l)![1]!);
            for (const id of ids) await admin.client("KILL", "ID", id);
          })();
        }
        return untilFinished(items);
      });
      const seqs = (await sub.done).map((i) => i.runEvents.seq);
      expect(cut).toBe(true);
      expect(seqs).toEqual(range(1, await storedUpToFinished(runId)));
      await client.dispose();
      // both servers are connected to Redis again
      for (let i = 0; i < 50 && ((await fetch(`${a.url}/readyz`)).status !== 200 || (await fetch(`${b.url}/readyz`)).status !== 200); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
      const names = ((await admin.client("LIST")) as string).split("\n").filter((l) => / name=conveyor-/.test(l));
      expect(names.length).toBeGreaterThanOrEqual(4);
    } finally {
      admin.disconnect();
    }
  });

  // last: it shuts A down
  it("when A shuts down, B takes A's runs over at once, long before their lease would expire", async () => {
    const inline = Array.from({ length: 6 }, (_, i) => `h${i}`);
    const r = await gql(a.url, START, { input: { inline, options: { command: "sleep 0.3", maxParallel: 1 } } });
    const runId = r.data.startRun.run.id as string;
    const shutDown = async () => {
      a.proc.kill("SIGTERM");
      expect(await a.exited).toBe(0);
    };
    const { final } = await watchTakeover(store.config.databaseUrl!, runId, shutDown, 3_000);
    expect([final.status, final.succeeded]).toEqual(["succeeded", 6]);
  });
});

describe.skipIf(!ready)("a Redis bus's subscriptions", () => {
  it("say when they take effect: a message another process publishes right after arrives", async () => {
    const [a, b] = [new RedisBus(REDIS_URL), new RedisBus(REDIS_URL)];
    try {
      for (let round = 0; round < 5; round++) {
        const runId = `subscribed-${round}-${Date.now()}`;
        const topic = topics.runEvents(runId);
        const got: RunEvent[] = [];
        b.subscribe(topic, (events) => got.push(...events));
        await b.subscribed(topic);
        a.publish(topic, [{ runId, seq: 1, type: "run.paused", data: { running: round }, at: Date.now() }]);
        for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
        expect(got.map((e) => e.data)).toEqual([{ running: round }]);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe.skipIf(!ready)("a Redis bus that loses its connection", () => {
  it("says so once it is back, with when it was lost, so live-only streams can catch up", async () => {
    const bus = new RedisBus(REDIS_URL);
    const admin = new Redis(REDIS_URL);
    try {
      const notices: ResyncNotice[] = [];
      bus.subscribe(topics.busResync, (events) => notices.push(...events));
      bus.subscribe(topics.runEvents("probe"), () => undefined); // the subscriber connection is up and in use
      for (
        let i = 0;
        i < 100 &&
        !(await bus.ping().then(
          () => true,
          () => false,
        ));
        i++
      )
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 200));
      expect(notices).toEqual([]); // connecting the first time is no loss
      const before = Date.now();
      const list = (await admin.client("LIST")) as string;
      for (const line of list.split("\n").filter((l) => / name=conveyor-sub /.test(l)))
        await admin.client("KILL", "ID", /id=(\d+)/.exec(line)![1]!);
      for (let i = 0; i < 100 && notices.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(notices).toHaveLength(1);
      expect(notices[0]!.type).toBe("bus.resync");
      expect(Number(notices[0]!.data.since)).toBeGreaterThanOrEqual(before);
      expect(Number(notices[0]!.data.since)).toBeLessThanOrEqual(notices[0]!.at);
    } finally {
      admin.disconnect();
      await bus.close();
    }
  });
});
