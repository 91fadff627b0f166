// Security on a real server with tokens: every operation (GraphQL over HTTP,
// subscriptions over graphql-ws, REST) × no token / bad token / read / write,
// and the limits: depth, cost, page size, body size, subscriptions per
// connection, malformed JSON, CSRF on an open server, introspection switch,
// loopback-only without tokens, masked unexpected errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { serverConfig } from "../../src/api/config.js";
import { startApiServer } from "../../src/api/server.js";
import { postgresReachable } from "../support/databases.js";
import { collect, inlineTasks, READ_TOKEN, START, startTestServer, TOKENS, WRITE_TOKEN, type TestServer } from "./support/server.js";

const kind = (await postgresReachable()) ? "postgres" : "pglite";
type Who = "none" | "bad" | "read" | "write";
const tokenOf: Record<Who, string | undefined> = { none: undefined, bad: "not-a-token", read: READ_TOKEN, write: WRITE_TOKEN };

describe(`security with tokens (${kind})`, () => {
  let s: TestServer;
  let runId: string;
  beforeAll(async () => {
    s = await startTestServer(kind, { tokens: TOKENS, maxSubscriptionsPerConnection: 2 });
    const r = await s.gql(START, { input: { inline: inlineTasks(2), options: { executor: "fn", force: true } } }, WRITE_TOKEN);
    runId = r.body.data.startRun.run.id;
    await s.app.engine.waitForRun(runId);
  });
  afterAll(() => s.close());

  const QUERIES: Record<string, () => string> = {
    run: () => `{ run(id: "${runId}") { id } }`,
    runs: () => `{ runs { edges { node { id } } } }`,
    activeRuns: () => `{ activeRuns { id } }`,
    node: () => `{ node(id: "${runId}") { id } }`,
  };
  const MUTATIONS: Record<string, () => string> = {
    startRun: () => `mutation { startRun(input: { inline: ["m1"], options: { executor: "fn" } }) { __typename } }`,
    checkpointRun: () => `mutation { checkpointRun(runId: "${runId}") { __typename } }`,
    resumeRun: () => `mutation { resumeRun(runId: "${runId}") { __typename } }`,
    pauseRun: () => `mutation { pauseRun(runId: "${runId}") { __typename } }`,
    cancelRun: () => `mutation { cancelRun(runId: "${runId}") { __typename } }`,
    retryTask: () => `mutation { retryTask(runId: "${runId}", taskId: "t1") { __typename } }`,
    markTask: () => `mutation { markTask(runId: "${runId}", taskId: "t1", as: DONE) { __typename } }`,
  };
  const SUBSCRIPTIONS: Record<string, () => string> = {
    runEvents: () => `subscription { runEvents(runId: "${runId}") { seq } }`,
    runEventBatches: () => `subscription { runEventBatches(runId: "${runId}") { seq } }`,
    runProgress: () => `subscription { runProgress(runId: "${runId}") { percent } }`,
    runsChanged: () => `subscription { runsChanged { runId } }`,
  };
  const REST: [string, () => string, unknown?][] = [
    ["POST", () => "/api/workflows/multi-task", { tasks: ["r1"], executor: "fn" }],
    ["GET", () => `/api/workflows/${runId}/progress`],
    ["GET", () => `/api/workflows/${runId}/state`],
    ["PUT", () => `/api/workflows/${runId}/checkpoint`],
    ["POST", () => `/api/workflows/${runId}/resume`, {}],
    ["POST", () => `/api/workflows/${runId}/pause`, {}],
    ["POST", () => `/api/workflows/${runId}/cancel`, {}],
    ["GET", () => "/metrics"],
  ];

  const allowed = (who: Who, need: "read" | "write") => who === "write" || (who === "read" && need === "read");
  const deniedStatus = (who: Who) => (who === "none" || who === "bad" ? 401 : 403);
  const whos: Who[] = ["none", "bad", "read", "write"];

  it.each(whos)("GraphQL queries and mutations over HTTP as %s", async (who) => {
    let checked = 0;
    for (const [ops, need] of [
      [QUERIES, "read"],
      [MUTATIONS, "write"],
    ] as const) {
      for (const [name, q] of Object.entries(ops)) {
        const r = await s.gql(q(), undefined, tokenOf[who]);
        const codes = (r.body.errors ?? []).map((e: any) => e.extensions?.code);
        if (allowed(who, need)) {
          expect([name, r.status, codes]).toEqual([name, 200, []]);
          expect(r.body.data[name]).toBeDefined();
        } else {
          expect([name, r.status]).toEqual([name, deniedStatus(who)]);
          expect(r.body.data ?? null).toBeNull();
          expect(codes[0]).toBe(who === "read" ? "FORBIDDEN" : "UNAUTHENTICATED");
        }
        checked++;
      }
    }
    expect(checked).toBe(11);
  });

  it("a read token cannot smuggle a mutation in a multi-operation document", async () => {
    const before = (await s.app.engine.store.listRuns({ limit: 1_000 })).length;
    const doc = `query Q { activeRuns { id } } mutation M { startRun(input: { inline: ["x"], options: { executor: "fn" } }) { __typename } }`;
    const res = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${READ_TOKEN}` },
      body: JSON.stringify({ query: doc, operationName: "M" }),
    });
    expect(res.status).toBe(403);
    expect((await s.app.engine.store.listRuns({ limit: 1_000 })).length).toBe(before);
  });

  it.each(whos)("subscriptions over graphql-ws as %s", async (who) => {
    for (const [name, q] of Object.entries(SUBSCRIPTIONS)) {
      const client = createClient({
        url: s.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        ...(tokenOf[who] ? { connectionParams: { authorization: `Bearer ${tokenOf[who]}` } } : {}),
      });
      const sub = collect<any>(client, q(), {}, (items) => items.length > 0);
      const outcome = await Promise.race([sub.done.then(() => "ended"), new Promise((r) => setTimeout(() => r("open"), 300))]);
      sub.stop();
      await client.dispose();
      if (who === "none" || who === "bad") {
        expect([name, outcome, (sub.errors[0] as { code?: number })?.code]).toEqual([name, "ended", 4403]);
      } else {
        // read and write may subscribe: data or a live stream, never an error
        expect([name, sub.errors]).toEqual([name, []]);
      }
    }
  });

  it("a read token cannot run a mutation over the WebSocket", async () => {
    const sub = collect<any>(s.ws(READ_TOKEN), MUTATIONS.startRun!(), {});
    await sub.done;
    expect(JSON.stringify(sub.errors)).toContain("FORBIDDEN");
    expect(sub.items).toEqual([]);
  });

  it.each(whos)("REST endpoints as %s", async (who) => {
    for (const [method, path, body] of REST) {
      const res = await fetch(`${s.url}${path()}`, {
        method,
        headers: { "content-type": "application/json", ...(tokenOf[who] ? { authorization: `Bearer ${tokenOf[who]}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const need = method === "GET" ? "read" : "write";
      const denied = res.status === 401 || res.status === 403 || res.status >= 500;
      if (allowed(who, need)) expect([method, path(), denied]).toEqual([method, path(), false]);
      else expect([method, path(), res.status]).toEqual([method, path(), deniedStatus(who)]);
    }
  });

  it("health and readiness need no token; the OpenAPI document is public", async () => {
    for (const p of ["/healthz", "/readyz", "/api/openapi.json"]) expect((await fetch(`${s.url}${p}`)).status).toBe(200);
  });

  it("limits the subscriptions of one connection", async () => {
    const client = s.ws(READ_TOKEN);
    const subs = [1, 2, 3].map(() => collect<any>(client, SUBSCRIPTIONS.runsChanged!(), {}));
    await subs[2]!.done;
    expect(JSON.stringify(subs[2]!.errors)).toContain("at most 2 subscriptions per connection");
    expect(subs[0]!.errors).toEqual([]);
    subs.forEach((x) => x.stop());
  });
});

describe(`limits (${kind})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(() => s.close());

  const codes = (body: any) => (body.errors ?? []).map((e: any) => e.extensions?.code);

  it("rejects too deep queries", async () => {
    // introspection has an allowance of its own (the standard introspection query's depth, introspection.test.ts): 40 levels are past it
    const nest = (n: number, leaf: string) => "ofType { ".repeat(n) + leaf + " }".repeat(n);
    const deep = `{ __schema { types { fields { type { ${nest(40, "name")} } } } } }`;
    const r = await s.gql(deep);
    // validation errors: 200 with errors and no data for application/json clients (GraphQL over HTTP)
    expect(r.body.data).toBeUndefined();
    expect(codes(r.body)).toContain("QUERY_TOO_DEEP");
    // through fragments too
    const viaFragment = `{ ...A } fragment A on Query { __schema { types { fields { type { ...B } } } } } fragment B on __Type { ${nest(40, "name")} }`;
    const shallow = `{ __schema { types { fields { type { ${nest(6, "name")} } } } } }`;
    expect((await s.gql(shallow)).body.errors).toBeUndefined();
    expect(codes((await s.gql(viaFragment)).body)).toContain("QUERY_TOO_DEEP");
  });

  it("rejects too costly queries and oversized pages", async () => {
    const costly = `{ runs(first: 500) { edges { node { tasks(first: 500) { edges { node { attempts { number } } } } } } } }`;
    const r = await s.gql(costly);
    expect(r.body.data).toBeUndefined();
    expect(codes(r.body)).toContain("QUERY_TOO_COSTLY");
    const page = await s.gql(`{ runs(first: 501) { edges { node { id } } } }`);
    expect(codes(page.body)).toContain("BAD_USER_INPUT");
    expect(page.body.errors![0].message).toContain("between 0 and 500");
    const fine = await s.gql(`{ runs(first: 500) { edges { node { id } } } }`);
    expect(fine.body.errors).toBeUndefined();
    // lists without `first` count too (activeRuns holds up to 1,000 runs), and a page size given
    // as a variable counts as the largest page: validation cannot know the variables
    for (const q of [
      `{ activeRuns { tasks(first: 500) { edges { node { attempts { stdoutTail } } } } } }`,
      `{ a: activeRuns { checkpoints { checkpointId } } b: activeRuns { checkpoints { checkpointId } } }`,
      `query ($n: Int) { runs(first: $n) { edges { node { tasks(first: $n) { edges { node { id } } } } } } }`,
    ]) {
      expect([q, codes((await s.gql(q, { n: 2 })).body)]).toEqual([q, ["QUERY_TOO_COSTLY"]]);
    }
    const dashboard = await s.gql(
      `query ($n: Int) { activeRuns { id status progress { percent } } runs(first: $n) { edges { node { id status } } }
        run(id: "x") { progress { running { taskId } } checkpoints { checkpointId } tasks(first: 20) { edges { node { id status attempts { exitCode } } } } } }`,
      { n: 10 },
    );
    expect(dashboard.body.errors).toBeUndefined();
  });

  it("rejects oversized bodies with 413 and malformed JSON with 400", async () => {
    const big = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ activeRuns { id } }`, pad: "x".repeat(1_100_000) }),
    });
    expect(big.status).toBe(413);
    for (const raw of ["{bad json", "", "[1,2", '{"query": 5}', "null"]) {
      const r = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: raw });
      expect([raw, r.status]).toEqual([raw, 400]);
    }
  });

  it("refuses cross-site simple requests on an open server unless they carry the CSRF header", async () => {
    const body = JSON.stringify({ query: `mutation { startRun(input: { inline: ["c1"], options: { executor: "fn" } }) { __typename } }` });
    const forged = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "https://evil.example" },
      body,
    });
    expect(forged.status).toBe(403);
    const rest = await fetch(`${s.url}/api/workflows/multi-task`, {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "https://evil.example" },
      body: "{}",
    });
    expect(rest.status).toBe(403);
    const withHeader = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example", "x-conveyor-csrf": "1" },
      body,
    });
    expect(withHeader.status).toBe(200);
    const sameSite = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: s.url },
      body: JSON.stringify({ query: "{ activeRuns { id } }" }),
    });
    expect(sameSite.status).toBe(200);
  });

  it("refuses cross-origin WebSocket upgrades on an open server", async () => {
    const attempt = (origin?: string) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(s.wsUrl, "graphql-transport-ws", origin ? { origin } : {});
        socket.on("open", () => {
          socket.close();
          resolve("open");
        });
        socket.on("error", (e) => resolve(String(e.message)));
      });
    expect(await attempt("https://evil.example")).toContain("403");
    expect(await attempt(s.url)).toBe("open");
    expect(await attempt()).toBe("open");
  });

  it("serves GraphiQL to browsers", async () => {
    const page = await fetch(`${s.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("GraphiQL");
  });

  it("masks unexpected errors and gives their correlation id", async () => {
    const store = s.app.engine.store;
    const original = store.listRuns;
    store.listRuns = async () => {
      throw new Error("secret database detail");
    };
    try {
      const res = await fetch(`${s.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": "req-42" },
        body: JSON.stringify({ query: "{ activeRuns { id } }" }),
      });
      const body = (await res.json()) as any;
      expect(JSON.stringify(body)).not.toContain("secret");
      expect(body.errors[0]).toMatchObject({
        message: "Unexpected error",
        extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-42" },
      });
      expect(res.headers.get("x-request-id")).toBe("req-42");
    } finally {
      store.listRuns = original;
    }
  });
});

describe("switches and listening", () => {
  it("turns introspection and GraphiQL off", async () => {
    const s = await startTestServer(kind, { introspection: false, graphiql: false });
    try {
      const r = await s.gql(`{ __schema { queryType { name } } }`);
      expect(r.body.data).toBeUndefined();
      expect(JSON.stringify(r.body.errors)).toContain("introspection");
      const page = await fetch(`${s.url}/graphql`, { headers: { accept: "text/html" } });
      expect(await page.text()).not.toContain("GraphiQL");
    } finally {
      await s.close();
    }
  });

  it("refuses to listen beyond loopback without tokens, and says why", async () => {
    const fakeApp = {} as never;
    await expect(
      startApiServer({ app: fakeApp, logger: console as never }, serverConfig({ host: "0.0.0.0", port: 0, tokens: [] })),
    ).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without API tokens/);
  });
});
