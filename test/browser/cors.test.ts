// CORS as Chromium enforces it, with three origins on loopback: the API
// server (no tokens, so the CSRF check is on), a page on an allowed origin
// and a page on another one. The allowed page starts a run (a preflighted
// JSON POST carrying Authorization and the CSRF header) and follows it live
// over WebSocket (graphql-ws' browser bundle) and over SSE (EventSource);
// the other page is refused all three ways, and the simple request it can
// still send without a preflight (a text/plain POST) starts nothing.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chromiumAvailable, launchChromium } from "../support/browser.js";
import { sleep, startTestServer, type TestServer } from "../api/support/server.js";

const GRAPHQL_WS = readFileSync(new URL("../../node_modules/graphql-ws/umd/graphql-ws.min.js", import.meta.url));
const PAGE = `<!doctype html><html><head><title>a page</title><script src="/graphql-ws.js"></script></head><body></body></html>`;

/** A static page server on loopback: the page and graphql-ws' browser bundle. */
async function pageServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.url === "/graphql-ws.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(GRAPHQL_WS);
    res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as AddressInfo).port };
}

const EVENTS = "subscription ($id: ID!) { runEvents(runId: $id) { seq type } }";
const START = `mutation ($input: StartRunInput!) { startRun(input: $input) { ... on StartRunPayload { run { id status } } } }`;

/** Runs in the page: start a run, then follow it over WebSocket and SSE until it finishes. Each step's outcome or error message. */
function followInPage(page: Page, api: string) {
  return page.evaluate(
    async ({ api, EVENTS, START }) => {
      const out: { start?: string; runId?: string; ws?: string[] | string; sse?: string[] | string } = {};
      const message = (e: unknown) => `refused: ${e instanceof Error ? e.message : String(e)}`;
      try {
        const res = await fetch(`${api}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-conveyor-csrf": "1", authorization: "Bearer unused-on-an-open-server" },
          body: JSON.stringify({
            query: START,
            variables: {
              input: {
                inline: [{ id: "a" }, { id: "b", dependencies: ["a"] }, { id: "c", dependencies: ["b"] }],
                options: { executor: "fn", force: true },
              },
            },
          }),
        });
        const body = await res.json();
        out.runId = body.data.startRun.run.id;
        out.start = body.data.startRun.run.status;
      } catch (e) {
        out.start = message(e);
      }
      const id = out.runId ?? "no-run";
      const ws = new Promise<string[]>((resolve, reject) => {
        const types: string[] = [];
        const client = (globalThis as any).graphqlWs.createClient({
          url: `${api.replace(/^http/, "ws")}/graphql`,
          retryAttempts: 0,
          lazy: true,
        });
        const stop = client.subscribe(
          { query: EVENTS, variables: { id } },
          {
            next: (r: any) => {
              if (r.errors) return reject(new Error(JSON.stringify(r.errors)));
              types.push(r.data.runEvents.type);
              if (r.data.runEvents.type === "run.finished") {
                stop();
                void client.dispose();
                resolve(types);
              }
            },
            error: (e: any) =>
              reject(new Error(e instanceof Error ? e.message : `closed ${e?.code ?? ""} ${e?.reason ?? e?.type ?? ""}`.trim())),
            complete: () => resolve(types),
          },
        );
      });
      const sse = new Promise<string[]>((resolve, reject) => {
        const types: string[] = [];
        const source = new EventSource(
          `${api}/graphql?query=${encodeURIComponent(EVENTS)}&variables=${encodeURIComponent(JSON.stringify({ id }))}`,
        );
        source.addEventListener("next", (e) => {
          const r = JSON.parse((e as MessageEvent).data);
          if (r.errors) return reject(new Error(JSON.stringify(r.errors)));
          types.push(r.data.runEvents.type);
          if (r.data.runEvents.type === "run.finished") {
            source.close();
            resolve(types);
          }
        });
        source.onerror = () => {
          source.close();
          reject(new Error("EventSource failed"));
        };
      });
      [out.ws, out.sse] = await Promise.all([ws.catch(message), sse.catch(message)]);
      return out;
    },
    { api, EVENTS, START },
  );
}

describe.runIf(chromiumAvailable("CORS"))("CORS in Chromium, two page origins on loopback", () => {
  let s: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let allowed: { server: Server; port: number };
  let other: { server: Server; port: number };
  const blocked: string[] = [];
  const outside: string[] = [];

  beforeAll(async () => {
    [allowed, other, browser] = await Promise.all([pageServer(), pageServer(), launchChromium()]);
    s = await startTestServer("pglite", { corsOrigins: [`http://127.0.0.1:${allowed.port}`] });
    // slow enough that the run is followed while it goes
    for (const id of ["a", "b", "c"]) s.tasks.set(id, () => sleep(150).then(() => id));
    // not offlineContext: with request routing on, Playwright answers CORS preflights itself
    // (allowing any origin), and the server's answers would never be seen. Nothing here leaves loopback anyway:
    context = await browser.newContext();
    context.on("request", (r) => void (["127.0.0.1", "localhost"].includes(new URL(r.url()).hostname) || outside.push(r.url())));
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    for (const p of [allowed, other]) p?.server.close();
  });

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    page.on("console", (m) => void (m.type() === "error" && blocked.push(m.text())));
    await page.goto(url);
    await page.waitForFunction(() => "graphqlWs" in globalThis);
    return page;
  }

  it("an allowed origin's page starts a run and follows it live over WebSocket and SSE", async () => {
    const page = await open(`http://127.0.0.1:${allowed.port}/`);
    const out = await followInPage(page, s.url);
    expect(out.start).toMatch(/^(PENDING|RUNNING)$/);
    const expected = ["run.started", "task.started", "task.succeeded", "run.finished"];
    expect(out.ws).toEqual(expect.arrayContaining(expected));
    expect(out.sse).toEqual(expect.arrayContaining(expected));
    expect((out.ws as string[]).filter((t) => t === "task.succeeded")).toHaveLength(3);
    expect(out.sse).toEqual(out.ws);
    expect(blocked).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });

  it("another origin's page is refused by the browser, and its simple request starts nothing", async () => {
    const before = (await s.gql(`{ runs(first: 100) { edges { node { id } } } }`)).body.data.runs.edges.length;
    const page = await open(`http://localhost:${other.port}/`);
    const out = await followInPage(page, s.url);
    expect(out.start).toBe("refused: Failed to fetch");
    expect(out.ws).toMatch(/^refused: /);
    expect(out.sse).toBe("refused: EventSource failed");
    expect(blocked.join("\n")).toMatch(/has been blocked by CORS policy/);
    // a text/plain POST needs no preflight: the browser sends it, the CSRF check refuses it
    const refusals = async () =>
      (await s.metrics.httpRequests.get()).values.filter((v) => v.labels.status === "403").reduce((n, v) => n + v.value, 0);
    const refusedBefore = await refusals();
    const forged = await page.evaluate(async (api) => {
      const body = JSON.stringify({ query: `mutation { startRun(input: { inline: ["x"], options: { executor: "fn" } }) { __typename } }` });
      await fetch(`${api}/graphql`, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body });
      await fetch(`${api}/api/workflows/multi-task`, {
        method: "POST",
        mode: "no-cors",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ tasks: ["x"], executor: "fn" }),
      });
      return "sent";
    }, s.url);
    expect(forged).toBe("sent");
    await expect.poll(refusals).toBe(refusedBefore + 2);
    expect((await s.gql(`{ runs(first: 100) { edges { node { id } } } }`)).body.data.runs.edges).toHaveLength(before);
    await page.close();
  });
});
