// The direct path for plain JSON queries (src/api/fast/direct-query.ts): which
// requests take it, that it answers exactly what Yoga answers for the same
// request and context (data, typed nulls, variable errors, scope refusals), that
// it leaves to Yoga everything it should (nothing executed, introspection when it
// is off), and, over HTTP, that a plain request takes it and gets what the same
// request forced through Yoga (a browser's Origin) gets, with and without tokens.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ANONYMOUS, OPEN, type Principal } from "../../src/api/auth/principal.js";
import { serverConfig } from "../../src/api/config.js";
import { requestContext, type ApiServices } from "../../src/api/context.js";
import { directParams, executeDirect } from "../../src/api/fast/direct-query.js";
import { DEFAULT_QUERY_LIMITS } from "../../src/api/plugins/limits.js";
import { InFlight } from "../../src/api/plugins/observe.js";
import { createApiServices } from "../../src/api/server.js";
import { createApiYoga } from "../../src/api/yoga.js";
import { silentLogger } from "../../src/engine/ports.js";
import { inlineTasks, READ_TOKEN, START, startTestServer, TOKENS, type TestServer } from "./support/server.js";

// the real function, watched: the HTTP tests check that the server took the direct path
vi.mock("../../src/api/fast/direct-query.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/api/fast/direct-query.js")>();
  return { ...real, executeDirect: vi.fn(real.executeDirect) };
});

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const POST = { "content-type": "application/json" };

describe("directParams: which requests take the direct path", () => {
  const q = { query: "{ __typename }" };
  it.each([
    ["a plain JSON query", "POST", POST, json(q), true],
    [
      "with variables, an operation name and null extras",
      "POST",
      POST,
      json({ ...q, variables: { a: 1 }, operationName: "A", other: null }),
      true,
    ],
    ["empty extensions", "POST", POST, json({ ...q, extensions: {} }), true],
    ["charset utf-8", "POST", { "content-type": "application/json; charset=utf-8" }, json(q), true],
    ["accepting anything", "POST", { ...POST, accept: "*/*" }, json(q), true],
    ["accepting application/json", "POST", { ...POST, accept: "application/json" }, json(q), true],
    ["GET", "GET", POST, json(q), false],
    ["a browser (Origin)", "POST", { ...POST, origin: "http://localhost" }, json(q), false],
    ["another media type", "POST", { "content-type": "application/graphql" }, Buffer.from("{ __typename }"), false],
    ["another charset", "POST", { "content-type": "application/json; charset=latin1" }, json(q), false],
    ["a media type in capitals (Yoga: 415)", "POST", { "content-type": "Application/JSON" }, json(q), false],
    ["a space before the parameter (Yoga: 415)", "POST", { "content-type": "application/json ; charset=utf-8" }, json(q), false],
    ["accepting JSON in another charset (Yoga: 406)", "POST", { ...POST, accept: "application/json; charset=latin1" }, json(q), false],
    [
      "accepting graphql-response+json (its status codes differ)",
      "POST",
      { ...POST, accept: "application/graphql-response+json, application/json" },
      json(q),
      false,
    ],
    ["accepting only an event stream", "POST", { ...POST, accept: "text/event-stream" }, json(q), false],
    ["a batch", "POST", POST, json([q, q]), false],
    ["not JSON", "POST", POST, Buffer.from("{ query"), false],
    ["an unknown parameter", "POST", POST, json({ ...q, other: 1 }), false],
    ["a query that is not a string", "POST", POST, json({ query: 1 }), false],
    ["variables that are a list", "POST", POST, json({ ...q, variables: [1] }), false],
    ["an operation name that is not a string", "POST", POST, json({ ...q, operationName: 1 }), false],
    ["extensions (persisted queries and the like)", "POST", POST, json({ ...q, extensions: { persistedQuery: { version: 1 } } }), false],
  ] as const)("%s", (_what, method, headers, body, taken) => {
    expect(directParams(method, headers, body) !== null).toBe(taken);
  });
});

describe("executeDirect answers as Yoga does", () => {
  let s: TestServer;
  let services: ApiServices;
  const yoga = createApiYoga({
    limits: DEFAULT_QUERY_LIMITS,
    graphiql: false,
    introspection: true,
    logger: silentLogger,
    mutations: new InFlight(),
    fastPaths: true,
  });
  let runId = "";
  beforeAll(async () => {
    s = await startTestServer("pglite");
    services = createApiServices({ app: s.app, logger: silentLogger }, serverConfig({ progressIntervalMs: 50, eventPollMs: 500 }));
    const r = await s.gql(START, { input: { inline: inlineTasks(3), options: { executor: "fn", force: true } } });
    runId = r.body.data.startRun.run.id;
    await s.app.engine.waitForRun(runId);
  });
  afterAll(async () => {
    await services.progressHub.close();
    await s.close();
  });

  async function both(body: Record<string, unknown>, principal: Principal = OPEN) {
    const context = requestContext(services, principal, "req-1");
    const params = directParams("POST", POST, json(body));
    expect(params).not.toBeNull();
    const direct = await executeDirect(yoga, params!, context);
    const res = await yoga.handleRequest(
      new yoga.fetchAPI.Request("http://localhost/graphql", { method: "POST", headers: POST, body: JSON.stringify(body) }),
      context,
    );
    const viaYoga = { status: res.status, type: res.headers.get("content-type"), body: JSON.parse(await res.text()) as unknown };
    return { direct, viaYoga };
  }

  const RUN = `query ($id: ID!) { run(id: $id) { id status total progress { percent counts { succeeded } } } }`;
  it.each([
    ["a run's state and progress", { query: RUN, variables: { id: "" } }, OPEN],
    ["an unknown run (null)", { query: RUN, variables: { id: "nope" } }, OPEN],
    ["a variable of the wrong type", { query: RUN, variables: { id: { a: 1 } } }, OPEN],
    ["a missing variable", { query: RUN }, OPEN],
    ["the operation picked by name", { query: `query A { __typename } query B { activeRuns { id } }`, operationName: "B" }, OPEN],
    ["no token: refused", { query: RUN, variables: { id: "" } }, ANONYMOUS],
  ] as const)("%s", async (_what, request, principal) => {
    const body = { ...request, ...("variables" in request && request.variables.id === "" ? { variables: { id: runId } } : {}) };
    const { direct, viaYoga } = await both(body, principal);
    expect(direct).not.toBeNull();
    expect({ status: direct!.status, type: direct!.headers["content-type"], body: JSON.parse(direct!.body) as unknown }).toEqual(viaYoga);
  });

  it("the state it answers is the run's", async () => {
    const { direct } = await both({ query: RUN, variables: { id: runId } });
    expect(JSON.parse(direct!.body)).toEqual({
      data: { run: { id: runId, status: "SUCCEEDED", total: 3, progress: { percent: 100, counts: { succeeded: 3 } } } },
    });
  });

  it("leaves a mutation to Yoga, executing nothing", async () => {
    let release = () => {};
    s.tasks.set("t1", () => new Promise<void>((r) => (release = r)));
    const r = await s.gql(START, { input: { inline: inlineTasks(1), options: { executor: "fn", force: true } } });
    const running: string = r.body.data.startRun.run.id;
    const params = directParams(
      "POST",
      POST,
      json({ query: `mutation ($id: ID!) { pauseRun(runId: $id) { __typename } }`, variables: { id: running } }),
    );
    expect(await executeDirect(yoga, params!, requestContext(services, OPEN, "req-3"))).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect((await s.app.engine.store.getRun(running))?.status).toBe("running"); // not paused
    release();
    s.tasks.delete("t1");
    await s.app.engine.waitForRun(running);
  });

  it("leaves introspection to Yoga when it is off", async () => {
    const closed = createApiYoga({
      limits: DEFAULT_QUERY_LIMITS,
      graphiql: false,
      introspection: false,
      logger: silentLogger,
      mutations: new InFlight(),
      fastPaths: true,
    });
    const params = directParams("POST", POST, json({ query: `{ __schema { queryType { name } } }` }));
    expect(await executeDirect(closed, params!, requestContext(services, OPEN, "req-4"))).toBeNull();
    expect(await executeDirect(yoga, params!, requestContext(services, OPEN, "req-4"))).not.toBeNull(); // on: answered
  });

  it.each([
    ["a subscription", `subscription { runsChanged { runId } }`],
    ["a parse error", `{ run(id: `],
    ["a validation error", `{ nope }`],
    ["an operation name that names nothing", `query A { __typename }`, "B"],
    [
      "a query over the cost limit",
      `{ runs(first: 100) { edges { node { tasks(first: 100) { edges { node { attempts { status } } } } } } } }`,
    ],
  ])("leaves %s to Yoga", async (_what, query, operationName?: string) => {
    const params = directParams("POST", POST, json({ query, ...(operationName ? { operationName } : {}) }));
    expect(await executeDirect(yoga, params!, requestContext(services, OPEN, "req-2"))).toBeNull();
  });
});

describe.each([
  ["an open server", [] as typeof TOKENS],
  ["a server with tokens", TOKENS],
])("over HTTP on %s: plain queries take the direct path and get what Yoga gives", (_name, tokens) => {
  let s: TestServer;
  const direct = vi.mocked(executeDirect);
  beforeAll(async () => {
    // this checks the fast path itself: on whatever the suite's switch (npm run test:plain)
    s = await startTestServer("pglite", { tokens, fastPaths: true });
  });
  afterAll(() => s.close());

  async function post(body: unknown, extra: Record<string, string> = {}) {
    const res = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...extra },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      body: JSON.parse(text.replace(/"requestId":"[^"]+"/g, '"requestId":"x"')) as unknown,
    };
  }

  const auth: Record<string, string> = tokens.length ? { authorization: `Bearer ${READ_TOKEN}` } : {};
  const cases: [string, Record<string, unknown>, Record<string, string>, boolean][] = [
    ["a query", { query: `{ activeRuns { id status } runs(first: 2) { edges { node { id } } } }` }, auth, true],
    ["a variable error", { query: `query ($id: ID!) { run(id: $id) { id } }`, variables: { id: [1, 2] } }, auth, true],
    ["a validation error (left to Yoga)", { query: `{ runs(first: 2) { nope } }` }, auth, false],
    ["a query over the cost limit (left to Yoga)", { query: `{ runs(first: 100000) { edges { node { id } } } }` }, auth, false],
  ];
  if (tokens.length) cases.push(["no token", { query: `{ activeRuns { id } }` }, {}, true]);
  it.each(cases)("%s", async (_what, body, headers, taken) => {
    direct.mockClear();
    const plain = await post(body, headers);
    expect(direct).toHaveBeenCalledTimes(1);
    expect((await direct.mock.results[0]!.value) !== null).toBe(taken); // answered there, or left to Yoga
    // an Origin of the server's own host: Yoga answers, the CSRF check lets it through
    const viaYoga = await post(body, { ...headers, origin: s.url });
    expect(direct).toHaveBeenCalledTimes(1);
    expect(plain).toEqual(viaYoga);
  });

  it.skipIf(tokens.length === 0)("a wrong token is refused before any path", async () => {
    direct.mockClear();
    const res = await post({ query: `{ activeRuns { id } }` }, { authorization: "Bearer wrong-token-000000" });
    expect(res.status).toBe(401);
    expect(direct).not.toHaveBeenCalled();
  });
});

describe("over HTTP with the fast paths off (CONVEYOR_API_FAST_PATHS=false)", () => {
  let s: TestServer;
  const direct = vi.mocked(executeDirect);
  beforeAll(async () => {
    s = await startTestServer("pglite", { fastPaths: false });
  });
  afterAll(() => s.close());

  it("a plain query goes through Yoga and gets the same answer", async () => {
    direct.mockClear();
    const body = JSON.stringify({ query: `{ activeRuns { id status } }` });
    const res = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { activeRuns: [] } });
    expect(direct).not.toHaveBeenCalled();
  });
});
