// Random selection strings and id lists through GraphQL and REST: every answer
// is a started run or a typed error (GraphQL) / a 201 or a 400 with a reason
// (REST): never a 500, never an untyped error, and the server stays up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable } from "../support/databases.js";
import { START, startTestServer, type TestServer } from "./support/server.js";

const kind = (await postgresReachable()) ? "postgres" : "pglite";
// the same random selection strings through each transport (CONVEYOR_FUZZ_COUNT, default 2,000)
// and random id lists (CONVEYOR_FUZZ_LISTS, default 200); `npm run fuzz:api` runs 10,000 and 1,000
const COUNT = Number(process.env.CONVEYOR_FUZZ_COUNT ?? 2_000);
const LISTS = Number(process.env.CONVEYOR_FUZZ_LISTS ?? 200);

/** A small deterministic PRNG, so a failure can be replayed from its seed. */
function prng(seed: number) {
  return () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff;
}

const PIECES = [
  "1",
  "2",
  "3",
  "20",
  "21",
  "0",
  "-",
  ",",
  " ",
  ".",
  "1-3",
  "3-1",
  "2.1",
  "[",
  "]",
  '"',
  "x",
  "99999999999999999999",
  "1e3",
  "\u00e9",
  "\t",
  "--",
  ",,",
  "null",
  "{}",
  "\\",
];

function randomSelection(r: () => number): string {
  const n = 1 + Math.floor(r() * 6);
  return Array.from({ length: n }, () => PIECES[Math.floor(r() * PIECES.length)]).join("");
}

function randomList(r: () => number): unknown[] {
  const atoms = [1, 2, 20, 0, -1, 1.5, "1", "2.1", "", " ", null, true, {}, [], "x", 2 ** 60];
  return Array.from({ length: Math.floor(r() * 4) }, () => atoms[Math.floor(r() * atoms.length)]);
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

describe(`random selections (${kind})`, () => {
  let s: TestServer;
  const tasks = Array.from({ length: 5 }, (_, i) => ({ id: i + 1, dependencies: [] }));
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(() => s.close());

  const selections = (() => {
    const r = prng(1);
    return Array.from({ length: COUNT }, () => randomSelection(r));
  })();
  const lists = (seed: number) => {
    const r = prng(seed);
    return Array.from({ length: LISTS }, () => randomList(r));
  };

  it(`${COUNT} selections and ${LISTS} id lists through GraphQL: a run or a typed error, nothing else`, async () => {
    const inputs = [...selections.map((selection) => ({ selection })), ...lists(2).map((l) => ({ taskIds: l.map(String) }))];
    const outcomes = new Map<string, number>();
    await pool(inputs, 8, async (input) => {
      const res = await s.gql(START, { input: { inline: tasks, options: { executor: "fn", maxParallel: 4 }, ...input } });
      expect([input, res.status, res.body.errors]).toEqual([input, 200, undefined]);
      const type = res.body.data.startRun.__typename as string;
      outcomes.set(type, (outcomes.get(type) ?? 0) + 1);
    });
    // both paths were exercised
    expect(outcomes.get("StartRunPayload")).toBeGreaterThan(0);
    expect(outcomes.get("InvalidSelection")).toBeGreaterThan(0);
    expect(
      [...outcomes.keys()].every((k) =>
        ["StartRunPayload", "InvalidSelection", "EmptySelection", "UnknownTasks", "SubtaskSelection", "InvalidInput"].includes(k),
      ),
    ).toBe(true);
  }, 300_000);

  it(`the same ${COUNT} selections and ${LISTS} id lists through REST: 201 or 400 with a reason`, async () => {
    const bodies = [...selections.map((task_range) => ({ task_range })), ...lists(3).map((task_list) => ({ task_list }))];
    await pool(bodies, 8, async (body) => {
      const res = await fetch(`${s.url}/api/workflows/multi-task`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tasks, executor: "fn", max_parallel: 4, ...body }),
      });
      const json = (await res.json()) as any;
      expect([body, res.status === 201 || res.status === 400]).toEqual([body, true]);
      if (res.status === 400) expect(json.error.message).toEqual(expect.any(String));
    });
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  }, 300_000);
});

// Hostile requests, generated from a seed (CONVEYOR_FUZZ_SEED, default 7; CONVEYOR_FUZZ_HOSTILE_COUNT,
// default 3,000): malformed GraphQL documents, variables, REST bodies and paths, headers, inline
// tasks. Each answer is a 2xx or 4xx with a code: never a 5xx, "Unexpected error" or an error
// without a code, never a long echo of the input; and the server stays up.
const HOSTILE = Number(process.env.CONVEYOR_FUZZ_HOSTILE_COUNT ?? 3_000);
const SEED = Number(process.env.CONVEYOR_FUZZ_SEED ?? 7);
const NUL = "\u0000";

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

const DOC_PIECES = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  "run",
  "runs",
  "node",
  "activeRuns",
  "__typename",
  "id",
  "status",
  "id:",
  ":",
  "$id",
  "$x",
  "...",
  "on",
  "Run",
  "fragment F on Run",
  "query",
  "mutation",
  "subscription",
  "@skip(if: true)",
  "@include",
  "#",
  "\n",
  '"',
  '"""',
  '"a\\u0000b"',
  '"\\u{0}"',
  "\\",
  "1",
  "-1",
  "1e999",
  "99999999999999999999",
  "true",
  "null",
  "=",
  "!",
  "|",
  "&",
  ",",
  "\u00e9",
  "\ud83d\ude00",
  "\ud800",
  NUL,
  "\t",
  "startRun(input: {inline: []})",
  'runEvents(runId: "x")',
  "first: -5",
  "first: 100000",
  'after: "zz"',
];

function randomDocument(r: () => number): string {
  const shape = r();
  if (shape < 0.1) {
    const n = pick(r, [70, 500, 5_000]);
    return `${"{a".repeat(n)}${"}".repeat(n)}`;
  }
  if (shape < 0.15) return `{ run(id: ${"[".repeat(pick(r, [70, 3_000]))}1 }`;
  if (shape < 0.2) return `{ ${Array.from({ length: pick(r, [1_000, 12_000]) }, (_, i) => `a${i}: __typename`).join(" ")} }`;
  if (shape < 0.25) return `{ run(id: "${pick(r, ["x", NUL, "a\\u0000b"]).repeat(pick(r, [1, 20_000]))}") { id } }`;
  return Array.from({ length: 1 + Math.floor(r() * 12) }, () => pick(r, DOC_PIECES)).join(pick(r, [" ", ""]));
}

function randomJson(r: () => number, depth = 0): unknown {
  const k = r();
  if (depth > 3 || k < 0.4)
    return pick(r, [
      "",
      "1",
      NUL,
      `a${NUL}`,
      "x".repeat(50_000),
      0,
      -1,
      1.5,
      2 ** 60,
      true,
      null,
      "\ud800",
      "00000000-0000-0000-0000-000000000000",
    ]);
  if (k < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(r() * 4) }, () => [
      pick(r, ["id", "title", "command", "dependencies", "first", "x", NUL, "__proto__"]),
      randomJson(r, depth + 1),
    ]),
  );
}

const deepJson = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

function randomVariablesText(r: () => number): string {
  const k = r();
  if (k < 0.1) return `{"x": ${deepJson(pick(r, [70, 5_000]))}}`;
  if (k < 0.15) return pick(r, ["[]", "1", '"x"', "null", "{"]);
  return JSON.stringify(randomJson(r));
}

function randomTask(r: () => number): unknown {
  return {
    id: pick(r, ["1", "2", `a${NUL}`, 3, "x".repeat(10_000), "", null, 1.5]),
    title: pick(r, ["t", `t${NUL}`, undefined, 1, "é".repeat(1_000)]),
    dependencies: pick(r, [[], ["1"], [NUL], "1", null, [[]]]),
    ...(r() < 0.3 ? { command: pick(r, ["echo", `echo ${NUL}`, "", 1]) } : {}),
  };
}

function graphqlCase(r: () => number): Case {
  const headers: Record<string, string> = {};
  if (r() < 0.3) headers.origin = pick(r, ["http://127.0.0.1", "null", "http://evil.example"]);
  if (r() < 0.3)
    headers.accept = pick(r, [
      "application/json",
      "application/graphql-response+json",
      "text/event-stream",
      "*/*",
      "text/html",
      "x/y;q=0",
      ";;",
    ]);
  if (r() < 0.1) headers.authorization = pick(r, ["Bearer x", "Basic", "Bearer " + "x".repeat(5_000)]);
  if (r() < 0.2) headers["x-conveyor-csrf"] = "1";
  const kind = r();
  if (kind < 0.15) {
    const q = new URLSearchParams({
      query: randomDocument(r).slice(0, 4_000),
      ...(r() < 0.5 ? { variables: randomVariablesText(r).slice(0, 4_000) } : {}),
    });
    return { method: "GET", path: `/graphql?${q}`, headers };
  }
  headers["content-type"] = pick(r, [
    "application/json",
    "application/json",
    "application/json",
    "application/graphql",
    "text/plain",
    "application/json; charset=latin1",
    "multipart/form-data",
  ]);
  let body: string;
  const b = r();
  if (b < 0.3) {
    // startRun with inline tasks: through validation, coercion and the run-start checks
    const input = {
      inline: Array.from({ length: Math.floor(r() * 3) }, () => randomTask(r)),
      ...(r() < 0.5 ? { selection: pick(r, ["1", "1-2", NUL, "x".repeat(20_000)]) } : {}),
      options: { executor: "fn", ...(r() < 0.3 ? { command: pick(r, ["echo {id}", `a${NUL}`]) } : {}) },
    };
    body = JSON.stringify({ query: START, variables: { input } });
  } else if (b < 0.4)
    body = pick(r, ["", "{", "[]", "null", `{"query": 1}`, `[{"query": "{__typename}"}, 1]`, "x".repeat(100_000), deepJson(10_000)]);
  else
    body = `{"query": ${JSON.stringify(randomDocument(r))}, "variables": ${randomVariablesText(r)}${r() < 0.2 ? `, "operationName": ${JSON.stringify(pick(r, ["A", NUL, "", 1]))}` : ""}}`;
  if (headers["content-type"] === "application/graphql") body = randomDocument(r);
  return { method: "POST", path: "/graphql", headers, body };
}

function restCase(r: () => number): Case {
  const id = pick(r, ["no-such-run", "%00", "a%00b", "%E0%A4%A", "x".repeat(3_000), "00000000-0000-0000-0000-000000000000", "..", "%2F"]);
  const route = pick(r, ["state", "progress", "checkpoint", "resume", "pause", "cancel", "nope"]);
  const method = pick(r, ["GET", "POST", "PUT", "DELETE"]);
  const headers = { "content-type": "application/json", "x-conveyor-csrf": "1" };
  if (r() < 0.5) {
    const k = r();
    const body =
      k < 0.15
        ? deepJson(pick(r, [70, 10_000]))
        : k < 0.25
          ? pick(r, ["{", "", "[]", "1", "x".repeat(100_000)])
          : JSON.stringify({
              tasks: Array.from({ length: Math.floor(r() * 3) }, () => randomTask(r)),
              executor: "fn",
              ...(r() < 0.5 ? { task_range: pick(r, ["1", NUL, "1-2"]) } : { task_list: randomJson(r) }),
              ...(r() < 0.3 ? { options: randomJson(r) } : {}),
            });
    return { method: "POST", path: "/api/workflows/multi-task", headers, body };
  }
  return { method, path: `/api/workflows/${id}/${route}`, headers, ...(method === "POST" ? { body: JSON.stringify(randomJson(r)) } : {}) };
}

describe(`hostile requests (${kind})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(() => s.close());

  it(`${HOSTILE} generated requests from seed ${SEED}: 2xx or 4xx with a code, never 5xx, never "Unexpected error"`, async () => {
    const r = prng(SEED);
    const cases = Array.from({ length: HOSTILE }, () => (r() < 0.7 ? graphqlCase(r) : restCase(r)));
    const statuses = new Map<number, number>();
    await pool(cases, 8, async (c) => {
      const res = await fetch(`${s.url}${c.path}`, {
        method: c.method,
        headers: c.headers,
        ...(c.body !== undefined ? { body: c.body } : {}),
      });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const what = `${c.method} ${c.path.slice(0, 200)} ${JSON.stringify(c.headers)} ${c.body?.slice(0, 300)} -> ${res.status} ${text.slice(0, 300)}`;
      expect(res.status, what).toBeLessThan(500);
      const type = res.headers.get("content-type") ?? "";
      // GraphiQL's page (a GET accepting text/html) bundles GraphiQL's own scripts, whose strings include that phrase
      if (type.startsWith("text/html")) expect(text, what).toContain("<title>Conveyor</title>");
      else expect(text, what).not.toContain("Unexpected error");
      if (res.status >= 400 && type.includes("json")) {
        const json = JSON.parse(text);
        const codes = json.errors ? json.errors.map((e: any) => e.extensions?.code) : [json.error?.code];
        expect(
          codes.every((code: unknown) => typeof code === "string" && code !== "INTERNAL_SERVER_ERROR"),
          what,
        ).toBe(true);
        // an error names its input once, briefly
        expect(text.length, what).toBeLessThan(5_000);
      } else if (type.includes("json") && JSON.parse(text).errors) {
        for (const e of JSON.parse(text).errors)
          expect([typeof e.extensions?.code, e.message.length <= 400], what).toEqual(["string", true]);
      }
    });
    expect([...statuses.keys()].every((st) => st < 500)).toBe(true);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  }, 300_000);
});
