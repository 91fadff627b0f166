// Random selection strings and id lists through GraphQL and REST: every answer
// is a started run or a typed error (GraphQL) / a 201 or a 400 with a reason
// (REST): never a 500, never an untyped error, and the server stays up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable } from "../support/databases.js";
import { START, startTestServer, type TestServer } from "./support/server.js";

const kind = (await postgresReachable()) ? "postgres" : "pglite";
// the same 10,000 random selection strings through each transport, and 1,000 random id lists
// (CONVEYOR_FUZZ_COUNT to change the first)
const COUNT = Number(process.env.CONVEYOR_FUZZ_COUNT ?? 10_000);
const LISTS = 1_000;

/** A small deterministic PRNG, so a failure can be replayed from its seed. */
function prng(seed: number) {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff);
}

const PIECES = ["1", "2", "3", "20", "21", "0", "-", ",", " ", ".", "1-3", "3-1", "2.1", "[", "]", '"', "x", "99999999999999999999", "1e3", "\u00e9", "\t", "--", ",,", "null", "{}", "\\"];

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
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
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
    expect([...outcomes.keys()].every((k) => ["StartRunPayload", "InvalidSelection", "EmptySelection", "UnknownTasks", "SubtaskSelection", "InvalidInput"].includes(k))).toBe(true);
  });

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
  });
});
