// Live task logs across replicas: two `conveyor serve` processes on the local
// PostgreSQL and Redis. A task runs on A (which started its run); a subscriber
// on B gets its lines over Redis while it runs, in order, stdout and stderr
// apart, then the end; B's REST follow streams the same. Nothing of it is in
// the database until the attempt ends (its stored tail only).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { postgresReachable, postgresStore, type TestStore } from "../support/databases.js";
import { REDIS_URL, redisReachable } from "../support/redis.js";
import { collect } from "./support/server.js";
import { gql, serve } from "./support/process.js";

const ready = (await postgresReachable()) && (await redisReachable("replica log"));
const START = `mutation ($input: StartRunInput!) { startRun(input: $input) { __typename ... on StartRunPayload { run { id } } } }`;
const LOGS = `subscription ($runId: ID!, $taskId: String!) { taskLogs(runId: $runId, taskId: $taskId) { seq stream text dropped } }`;
const TALKER = `for i in 1 2 3 4 5; do echo "out $i"; sleep 0.05; echo "err $i" >&2; sleep 0.4; done`;
const talked = [1, 2, 3, 4, 5].flatMap((i) => [
  ["STDOUT", `out ${i}`],
  ["STDERR", `err ${i}`],
]);

describe.skipIf(!ready)("task logs across two replicas over Redis", () => {
  let store: TestStore;
  let a: Awaited<ReturnType<typeof serve>>;
  let b: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    store = await postgresStore();
    const env = { DATABASE_URL: store.config.databaseUrl!, REDIS_URL, CONVEYOR_LEASE_MS: "120000" };
    [a, b] = await Promise.all([serve(env), serve(env)]);
    // each process plans its queries on first use, holding its event loop for a moment: not what is measured here
    const warm = await startOnA("warm");
    for (const p of [a, b]) await (await fetch(`${p.url}/api/workflows/${warm}/tasks/warm/logs?follow=1`)).text();
  });
  afterAll(async () => {
    for (const p of [a, b]) p?.proc.kill("SIGTERM");
    await Promise.all([a?.exited, b?.exited]);
    await store?.dispose();
  });

  async function startOnA(id: string) {
    const r = await gql(a.url, START, { input: { inline: [{ id, dependencies: [], command: TALKER }], options: { force: true } } });
    return r.data.startRun.run.id as string;
  }
  const finished = async (runId: string) => {
    for (;;) {
      const r = await gql(b.url, `query ($id: ID!) { run(id: $id) { status } }`, { id: runId });
      if (r.data.run.status !== "RUNNING") return Date.now();
      await new Promise((res) => setTimeout(res, 50));
    }
  };

  it("a subscriber on B gets the lines of a task running on A while it runs, in order", async () => {
    const runId = await startOnA("talk");
    const client = createClient({ url: `${b.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    const arrived: number[] = [];
    const sub = collect<{ taskLogs: { seq: number; stream: string; text: string } }>(
      client,
      LOGS,
      { runId, taskId: "talk" },
      () => arrived.push(Date.now()) < 0,
    );
    const ended = finished(runId);
    const items = await sub.done;
    await client.dispose();
    expect(sub.errors).toEqual([]);
    expect(items.map((i) => [i.taskLogs.stream, i.taskLogs.text])).toEqual(talked);
    expect(items.map((i) => i.taskLogs.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await ended) - arrived[0]!).toBeGreaterThan(800);
  });

  it("B's REST follow streams them too, and an unfollowed read of the ended attempt is its stored tail", async () => {
    const runId = await startOnA("talk2");
    const res = await fetch(`${b.url}/api/workflows/${runId}/tasks/talk2/logs?follow=1`);
    const reader = res.body!.getReader();
    let text = "";
    let firstAt = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      firstAt ||= Date.now();
      text += Buffer.from(r.value).toString();
    }
    expect(text).toBe(talked.map(([, t]) => `${t}\n`).join(""));
    expect((await finished(runId)) - firstAt).toBeGreaterThan(800);
    const stored = await (await fetch(`${b.url}/api/workflows/${runId}/tasks/talk2/logs`)).text();
    expect(stored).toBe("out 1\nout 2\nout 3\nout 4\nout 5\nerr 1\nerr 2\nerr 3\nerr 4\nerr 5\n");
  });
});
