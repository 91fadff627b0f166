// CORS with plain fetch, as a browser would send it: preflights for GraphQL
// over HTTP and SSE and for REST, on an open server and on one with tokens;
// answers carry CORS headers for allowed origins only; the CSRF check still
// refuses simple requests from other origins; WebSocket upgrades follow the
// same list. The browser's own view is test/browser/cors.test.ts.
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { serverConfig } from "../../src/api/config.js";
import { parseCorsOrigins } from "../../src/config/cors-origins.js";
import { loadSettings } from "../../src/config.js";
import { runConveyor } from "../support/conveyor-process.js";
import { tempDir } from "../support/databases.js";
import { READ_TOKEN, startTestServer, TOKENS, WRITE_TOKEN, type TestServer } from "./support/server.js";

const ALLOWED = "http://127.0.0.1:5173";
const OTHER = "http://localhost:5173";
const SSE_PATH = `/graphql?query=${encodeURIComponent("subscription { runsChanged { runId } }")}`;
/** Every route a page may call across origins: GraphQL (POST, and GET for SSE), REST (write and read). */
const ROUTES: [string, string][] = [
  ["POST", "/graphql"],
  ["GET", SSE_PATH],
  ["POST", "/api/workflows/multi-task"],
  ["GET", "/api/workflows/some-run/state"],
  ["PUT", "/api/workflows/some-run/checkpoint"],
];

const preflight = (url: string, method: string, origin: string, headers = "authorization, content-type, x-conveyor-csrf") =>
  fetch(url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
  });

describe("CORS allow-list", () => {
  let open: TestServer;
  let guarded: TestServer;
  beforeAll(async () => {
    [open, guarded] = await Promise.all([
      startTestServer("pglite", { corsOrigins: [ALLOWED] }),
      startTestServer("pglite", { corsOrigins: [ALLOWED], tokens: TOKENS }),
    ]);
  });
  afterAll(() => Promise.all([open?.close(), guarded?.close()]));

  describe.each([
    ["without tokens", () => open],
    ["with tokens", () => guarded],
  ])("%s", (_what, server) => {
    it.each(ROUTES)("answers the preflight of %s %s for an allowed origin", async (method, path) => {
      const res = await preflight(`${server().url}${path}`, method, ALLOWED);
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED);
      expect(res.headers.get("access-control-allow-methods")).toContain(method);
      const allowed = res.headers.get("access-control-allow-headers")!.split(/,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type", "x-conveyor-csrf"]));
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      expect(res.headers.get("vary")).toContain("Origin");
    });

    it("allows an allowed origin's page to reach a private address when Chromium asks (Private Network Access)", async () => {
      const ask = (origin: string) =>
        fetch(`${server().url}/graphql`, {
          method: "OPTIONS",
          headers: { origin, "access-control-request-method": "POST", "access-control-request-private-network": "true" },
        });
      expect((await ask(ALLOWED)).headers.get("access-control-allow-private-network")).toBe("true");
      expect((await preflight(`${server().url}/graphql`, "POST", ALLOWED)).headers.get("access-control-allow-private-network")).toBeNull();
      expect((await ask(OTHER)).headers.get("access-control-allow-private-network")).toBeNull();
    });

    it.each(ROUTES)("refuses the preflight of %s %s for another origin, with no CORS header", async (method, path) => {
      const res = await preflight(`${server().url}${path}`, method, OTHER);
      expect(res.status).toBe(403);
      expect([...res.headers.keys()].filter((k) => k.startsWith("access-control-"))).toEqual([]);
      expect(await res.text()).toContain(`origin ${OTHER} is not allowed: list it in CONVEYOR_CORS_ORIGINS`);
    });

    it("adds CORS headers to an allowed origin's answers only, JSON and event streams alike", async () => {
      const auth = { authorization: `Bearer ${READ_TOKEN}` };
      for (const origin of [ALLOWED, OTHER]) {
        const query = await fetch(`${server().url}/graphql`, {
          method: "POST",
          headers: { ...auth, origin, "content-type": "application/json" },
          body: JSON.stringify({ query: "{ activeRuns { id } }" }),
        });
        expect([origin, query.status, query.headers.get("access-control-allow-origin")]).toEqual([
          origin,
          200,
          origin === ALLOWED ? ALLOWED : null,
        ]);
        const abort = new AbortController();
        const sse = await fetch(`${server().url}${SSE_PATH}`, {
          headers: { ...auth, origin, accept: "text/event-stream", "x-conveyor-csrf": "1" },
          signal: abort.signal,
        });
        expect([origin, sse.status, sse.headers.get("content-type"), sse.headers.get("access-control-allow-origin")]).toEqual([
          origin,
          200,
          "text/event-stream",
          origin === ALLOWED ? ALLOWED : null,
        ]);
        abort.abort();
        const rest = await fetch(`${server().url}/api/workflows/no-such-run/state`, {
          headers: { ...auth, origin, "x-conveyor-csrf": "1" },
        });
        expect([origin, rest.status, rest.headers.get("access-control-allow-origin")]).toEqual([
          origin,
          404,
          origin === ALLOWED ? ALLOWED : null,
        ]);
        if (origin === ALLOWED) expect(rest.headers.get("access-control-expose-headers")).toContain("x-request-id");
      }
    });

    it("refuses WebSocket upgrades from another origin, accepts the allowed one and clients without an Origin", async () => {
      const attempt = (origin?: string) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(server().wsUrl, "graphql-transport-ws", origin ? { origin } : {});
          socket.on("open", () => {
            socket.close();
            resolve("open");
          });
          socket.on("error", (e) => resolve(String(e.message)));
        });
      expect(await attempt(OTHER)).toContain("403");
      expect(await attempt(ALLOWED)).toBe("open");
      expect(await attempt()).toBe("open");
    });
  });

  it("keeps refusing simple cross-site requests from other origins on an open server (no preflight to stop them)", async () => {
    const body = JSON.stringify({ query: `mutation { startRun(input: { inline: ["c1"], options: { executor: "fn" } }) { __typename } }` });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const forged = await fetch(`${open.url}/graphql`, { method: "POST", headers: { "content-type": type, origin: OTHER }, body });
      expect([type, forged.status]).toEqual([type, 403]);
      const rest = await fetch(`${open.url}/api/workflows/multi-task`, {
        method: "POST",
        headers: { "content-type": type, origin: OTHER },
        body: "{}",
      });
      expect([type, rest.status]).toEqual([type, 403]);
    }
    const get = await fetch(`${open.url}${SSE_PATH}`, { headers: { origin: OTHER, accept: "text/event-stream" } });
    expect(get.status).toBe(403);
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
    expect((await open.gql(`{ runs { edges { node { id } } } }`)).body.data.runs.edges).toEqual([]); // nothing started
  });

  it("trusts an allowed origin like the server's own (an EventSource cannot send the CSRF header)", async () => {
    const abort = new AbortController();
    const sse = await fetch(`${open.url}${SSE_PATH}`, { headers: { origin: ALLOWED, accept: "text/event-stream" }, signal: abort.signal });
    expect([sse.status, sse.headers.get("access-control-allow-origin")]).toEqual([200, ALLOWED]);
    abort.abort();
  });

  it("with tokens, a preflight needs none, and the request itself still does", async () => {
    const noToken = await fetch(`${guarded.url}/api/workflows/multi-task`, {
      method: "POST",
      headers: { origin: ALLOWED, "content-type": "application/json" },
      body: "{}",
    });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("access-control-allow-origin")).toBe(ALLOWED); // so the page can read why
    const started = await fetch(`${guarded.url}/api/workflows/multi-task`, {
      method: "POST",
      headers: { origin: ALLOWED, "content-type": "application/json", authorization: `Bearer ${WRITE_TOKEN}` },
      body: JSON.stringify({ tasks: ["a"], executor: "fn" }),
    });
    expect(started.status).toBe(201);
  });
});

describe("CONVEYOR_CORS_ORIGINS", () => {
  it("defaults to none (same origin only) and reads a comma-separated list, normalized as browsers send origins", () => {
    expect(serverConfig({}, loadSettings({})).corsOrigins).toEqual([]);
    expect(
      serverConfig({}, loadSettings({ CONVEYOR_CORS_ORIGINS: " https://App.Example.com/ , http://127.0.0.1:5173,http://localhost:80" }))
        .corsOrigins,
    ).toEqual(["https://app.example.com", "http://127.0.0.1:5173", "http://localhost"]);
  });

  it.each([
    "*",
    "null",
    "app.example.com",
    "https://app.example.com/path",
    "ftp://x.example",
    "https://x.example?a=1",
    "https://user@x.example",
  ])("refuses %s, naming it", (entry) => {
    expect(() => parseCorsOrigins(`https://ok.example,${entry}`)).toThrow(
      `CONVEYOR_CORS_ORIGINS: ${JSON.stringify(entry)} is not an origin`,
    );
  });

  it("conveyor serve refuses a wrong list at start: exit 2, the entry named, nothing opened", async () => {
    const data = tempDir("cors-");
    const r = await runConveyor(["serve", "--port", "0"], {
      CONVEYOR_CORS_ORIGINS: "https://ok.example,https://app.example/path",
      CONVEYOR_DATA_DIR: data,
    });
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/^error: CONVEYOR_CORS_ORIGINS: .*\("https:\/\/app\.example\/path" is not an origin/),
    ]);
    expect(readdirSync(data)).toEqual([]);
  });
});
