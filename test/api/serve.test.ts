// `conveyor serve` and `conveyor watch` as a user runs them: real processes on
// the local PostgreSQL, local tasks. SIGTERM shuts down gracefully: sockets
// close with 1001, run leases are released, and another server takes the run
// over at once; a server killed outright has its runs taken over by a running
// one when their lease expires.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { postgresReachable, postgresStore, type TestStore } from "../support/databases.js";
import { main } from "../../src/cli/main.js";
import { conveyor, gql, serve, watchTakeover } from "./support/process.js";

const reachable = await postgresReachable();

const START = `mutation ($input: StartRunInput!) { startRun(input: $input) { __typename ... on StartRunPayload { run { id } } ... on ApiError { message } } }`;

describe.skipIf(!reachable)("conveyor serve and watch", () => {
  let store: TestStore;
  let env: Record<string, string>;
  let a: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    store = await postgresStore();
    env = { DATABASE_URL: store.config.databaseUrl! };
    a = await serve(env);
  });
  afterAll(async () => {
    a?.proc.kill("SIGTERM");
    await a?.exited;
    await store?.dispose();
  });

  const captured = () => {
    let text = "";
    return { isTTY: false, write: (t: string) => void (text += t), error: (t: string) => void (text += t), text: () => text };
  };

  it("serves; watch follows a run to its end with the exit code of its status", async () => {
    const r = await gql(a.url, START, {
      input: { inline: ["w1", "w2", "w3"], options: { command: "sleep 0.2; echo {id}", maxParallel: 1 } },
    });
    const runId = r.data.startRun.run.id;
    // the watch client runs in this process; the server is the real `conveyor serve` process
    const out = captured();
    expect(await main(["watch", runId, "--server", a.url], out)).toBe(0);
    expect(out.text()).toMatch(/#7 task\.succeeded w3 attempt=1/);
    expect(out.text()).toContain(`run ${runId} succeeded: 3 succeeded`);
    const missing = captured();
    expect(await main(["watch", "no-such-run", "--server", a.url], missing)).toBe(2);
    expect(missing.text()).toContain("run not found");
  });

  it("on SIGTERM closes sockets with 1001 and releases leases; another server takes over at once", async () => {
    const r = await gql(a.url, START, { input: { inline: ["s1", "s2", "s3", "s4"], options: { command: "sleep 0.5", maxParallel: 1 } } });
    const runId = r.data.startRun.run.id;
    const closed = new Promise<number>((resolve) => {
      const client = createClient({
        url: `${a.url.replace("http", "ws")}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        on: { closed: (e) => resolve((e as { code: number }).code) },
      });
      client.subscribe(
        { query: `subscription { runEvents(runId: "${runId}") { seq } }` },
        { next: () => {}, error: () => {}, complete: () => {} },
      );
    });
    await a.waitFor(/conveyor API/);
    await new Promise((res) => setTimeout(res, 700));
    a.proc.kill("SIGTERM");
    expect(await closed).toBe(1001);
    expect(await a.exited).toBe(0);
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    const row = (await db.query("SELECT status, lease_owner FROM runs WHERE id = $1", [runId])).rows[0];
    expect(row).toEqual({ status: "running", lease_owner: null });
    const t0 = Date.now();
    const b = await serve(env);
    try {
      await b.waitFor(/recovered 1 interrupted run/);
      expect(Date.now() - t0).toBeLessThan(15_000);
      let status = "running";
      while (status === "running") {
        await new Promise((res) => setTimeout(res, 200));
        status = (await db.query("SELECT status FROM runs WHERE id = $1", [runId])).rows[0].status;
      }
      expect(status).toBe("succeeded");
    } finally {
      await db.end();
      b.proc.kill("SIGTERM");
      await b.exited;
    }
  });

  it("a running server takes over the runs of one killed with SIGKILL once their lease expires, with no Redis", async () => {
    const short = { ...env, CONVEYOR_LEASE_MS: "1500" };
    const [c, d] = await Promise.all([serve(short), serve(short)]);
    try {
      const r = await gql(c.url, START, {
        input: { inline: ["k1", "k2", "k3", "k4", "k5"], options: { command: "sleep 0.3", maxParallel: 1 } },
      });
      await new Promise((res) => setTimeout(res, 400));
      const kill = async () => {
        c.proc.kill("SIGKILL");
        await c.exited;
      };
      // expiry (≤ 1.5 s after the last renewal) + d's next look (every 0.75 s) + slack for a loaded machine
      const { final } = await watchTakeover(env.DATABASE_URL!, r.data.startRun.run.id, kill, 8_000);
      expect([final.status, final.succeeded]).toEqual(["succeeded", 5]);
    } finally {
      d.proc.kill("SIGTERM");
      await d.exited;
    }
  });

  it("refuses a lease length that is not a number of milliseconds, naming the variable", async () => {
    const bad = conveyor(["serve", "--port", "0"], { ...env, CONVEYOR_LEASE_MS: "15s" });
    expect(await bad.exited).not.toBe(0);
    expect(bad.output()).toMatch(/CONVEYOR_LEASE_MS: a whole number of milliseconds, at least 1000, not "15s"/);
  });
});
