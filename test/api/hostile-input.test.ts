// Hostile input answered with a named 4xx (or a GraphQL error with a code),
// never a 500 or "Unexpected error": NUL characters (PostgreSQL text cannot hold
// them), documents nested past the parser's stack, too many tokens, JSON nested
// thousands deep, huge values that error messages would echo. Over the direct
// path, Yoga's path (GET, a browser's POST), SSE and WebSocket.
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { postgresReachable, tempDir } from "../support/databases.js";
import { collect, sleep, START, startTestServer, type TestServer } from "./support/server.js";

/** Sends one graphql-ws subscribe whose payload is `payloadJson` as written; resolves with the first answer to it. */
async function rawWsSubscribe(url: string, payloadJson: string): Promise<string> {
  const socket = new WebSocket(url, "graphql-transport-ws");
  const answers: string[] = [];
  socket.on("message", (m) => answers.push(String(m)));
  await once(socket, "open");
  socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
  while (!answers.some((a) => a.includes("connection_ack"))) await sleep(10);
  socket.send(`{"id": "1", "type": "subscribe", "payload": ${payloadJson}}`);
  for (let i = 0; i < 500 && !answers.some((a) => a.includes('"id":"1"')); i++) await sleep(10);
  socket.close();
  return answers.find((a) => a.includes('"id":"1"')) ?? `no answer (closed: ${socket.readyState})`;
}

const kind = (await postgresReachable()) ? "postgres" : "pglite";
const NUL = "\u0000";

describe(`hostile input (${kind})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(() => s.close());

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  };
  const codes = (text: string) =>
    ((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((e) => e.extensions?.code);

  describe("NUL characters", () => {
    it.each([
      ["run(id) literal", { query: `{ run(id: "a\\u0000b") { id } }` }],
      ["node(id) literal", { query: `{ node(id: "\\u0000") { id } }` }],
      ["run(id) variable", { query: `query ($id: ID!) { run(id: $id) { id } }`, variables: { id: `a${NUL}b` } }],
      [
        "startRun inline id",
        { query: START, variables: { input: { inline: [{ id: `a${NUL}`, dependencies: [] }], options: { executor: "fn" } } } },
      ],
      [
        "startRun inline title",
        { query: START, variables: { input: { inline: [{ id: "1", title: `t${NUL}`, dependencies: [] }], options: { executor: "fn" } } } },
      ],
      [
        "startRun command",
        { query: START, variables: { input: { inline: [{ id: "1", dependencies: [] }], options: { command: `echo ${NUL}` } } } },
      ],
      ["startRun tasksFile", { query: START, variables: { input: { tasksFile: `x${NUL}.json`, selection: "1" } } }],
    ])("GraphQL, %s: refused with NUL_CHARACTER", async (_what, body) => {
      for (const headers of [{}, { origin: s.url }] as Record<string, string>[]) {
        const r = await post(body, headers);
        expect(r.status).toBeLessThan(500);
        expect(codes(r.text)).toEqual(["NUL_CHARACTER"]);
        expect(r.text).toMatch(/NUL character/);
      }
    });

    it("names the variable's field that holds it", async () => {
      const r = await post({
        query: START,
        variables: {
          input: {
            inline: [
              { id: "1", dependencies: [] },
              { id: "2", title: `x${NUL}`, dependencies: [] },
            ],
          },
        },
      });
      expect(JSON.parse(r.text).errors[0].message).toContain("$input.inline[1].title");
    });

    it("REST: a body or a path holding one is a 400 naming the field", async () => {
      const body = { tasks: [{ id: 1, title: `a${NUL}b`, dependencies: [] }], task_list: [1], executor: "fn" };
      const res = await fetch(`${s.url}/api/workflows/multi-task`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error).toMatchObject({ code: "NUL_CHARACTER", field: "tasks[0].title" });
      for (const path of ["/api/workflows/a%00b/state", "/api/workflows/%00/progress"]) {
        const r = await fetch(`${s.url}${path}`);
        expect([path, r.status, ((await r.json()) as any).error.code]).toEqual([path, 400, "NUL_CHARACTER"]);
      }
    });

    it("a tasks file on the server holding one: a typed InvalidInput from the run-start check", async () => {
      const dir = tempDir();
      const file = join(dir, "tasks.json");
      writeFileSync(file, JSON.stringify({ tasks: [{ id: 1, title: `a${NUL}b`, status: "pending", dependencies: [] }] }));
      const r = await s.gql(START, { input: { tasksFile: file, selection: "1", options: { executor: "fn" } } });
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.startRun).toMatchObject({ __typename: "InvalidInput", code: "INVALID_OPTION", field: "tasks[0].title" });
    });
  });

  describe("documents past the parser's limits", () => {
    const deep = (n: number) => `${"{a".repeat(n)}${"}".repeat(n)}`;
    it.each([
      ["5,000 deep", { query: deep(5_000) }, "QUERY_TOO_NESTED"],
      ["deep list value", { query: `{ run(id: ${"[".repeat(5_000)}"x"${"]".repeat(5_000)}) { id } }` }, "QUERY_TOO_NESTED"],
      ["20,000 tokens", { query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(" ")} }` }, "QUERY_TOO_LARGE"],
    ])("%s: refused before parsing, on every path", async (_what, body, code) => {
      for (const headers of [{}, { origin: s.url }] as Record<string, string>[]) {
        const r = await post(body, headers);
        expect([r.status < 500, codes(r.text)]).toEqual([true, [code]]);
      }
      const get = await fetch(`${s.url}/graphql?query=${encodeURIComponent(body.query.slice(0, 12_000))}`, {
        headers: { accept: "application/json" },
      });
      expect(get.status).toBeLessThan(500);
      const sse = await fetch(`${s.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify(body),
      });
      expect(sse.status).toBeLessThan(500);
      expect(await sse.text()).toContain(code);
      const sub = collect(s.ws(), body.query, {});
      await sub.done;
      expect(JSON.stringify(sub.errors)).toContain(code);
    });

    it("JSON variables nested thousands deep: 400 JSON_TOO_DEEP", async () => {
      const variables = `{"input": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
      const r = await post(
        `{"query": "query ($input: StartRunInput!) { startRun(input: $input) { __typename } }", "variables": ${variables}}`,
      );
      expect([r.status, codes(r.text)]).toEqual([400, ["JSON_TOO_DEEP"]]);
      const rest = await fetch(`${s.url}/api/workflows/multi-task`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"tasks": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`,
      });
      expect([rest.status, ((await rest.json()) as any).error.code]).toEqual([400, "JSON_TOO_DEEP"]);
      // over WebSocket as raw text: a client's own JSON.stringify gives up at such depths
      const deepVariables = `{"a": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
      expect(
        await rawWsSubscribe(s.wsUrl, `{"query": "subscription ($a: [String]) { runsChanged { at } }", "variables": ${deepVariables}}`),
      ).toContain("JSON_TOO_DEEP");
    });
  });

  describe("errors name a long input once, briefly", () => {
    const big = "9".repeat(100_000);
    it("GraphQL: a 100 KB selection, a 100 KB token, a 100 KB variable of the wrong type", async () => {
      const started = await s.gql(START, {
        input: { inline: [{ id: "1", dependencies: [] }], selection: `1,x${big}`, options: { executor: "fn" } },
      });
      expect(JSON.stringify(started.body).length).toBeLessThan(2_000);
      expect(started.body.data.startRun.__typename).toBe("InvalidSelection");
      for (const body of [
        { query: `{ run(id: ${big}x) { id } }` },
        { query: `{ "${big}" }` },
        { query: "query ($n: Int) { runs(first: $n) { totalCount } }", variables: { n: big } },
      ]) {
        const r = await post(body);
        expect([r.status < 500, r.text.length < 2_000]).toEqual([true, true]);
        expect(codes(r.text).every((c) => c !== undefined && c !== "INTERNAL_SERVER_ERROR")).toBe(true);
      }
    });

    it("REST: a 100 KB selection", async () => {
      const res = await fetch(`${s.url}/api/workflows/multi-task`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tasks: [{ id: 1, dependencies: [] }], task_range: `1,x${big}`, executor: "fn" }),
      });
      expect(res.status).toBe(400);
      expect((await res.text()).length).toBeLessThan(2_000);
    });
  });
});
