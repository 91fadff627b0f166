// The shared execution of subscription payloads, through Yoga's envelop on a
// small schema: a payload is executed once for all subscribers asking the same
// selection (whatever the root field's arguments), apart for a different
// selection or its variables, never shared for an unmarked field, and a failing
// source ends with a masked error.
import { createRequire } from "node:module";
import type * as G from "graphql";
import { createYoga } from "graphql-yoga";
import { beforeEach, describe, expect, it } from "vitest";
import { useMaskedErrors } from "../../src/api/plugins/errors.js";
import { sharedJson, useSharedExecution } from "../../src/api/fast/shared-execution.js";
import type { Logger } from "../../src/engine/ports.js";

// the CommonJS build, as src/api/graphql.ts explains
const g = createRequire(import.meta.url)("graphql") as typeof G;

// fresh objects per test: results are kept per payload object
let payloads: { n: number }[] = [];
let executions = 0;
let failing = false;

const Item = new g.GraphQLObjectType<{ n: number }>({
  name: "Item",
  fields: {
    n: { type: g.GraphQLInt, resolve: (p) => (executions++, p.n) },
    label: {
      type: g.GraphQLString,
      args: { prefix: { type: g.GraphQLString } },
      resolve: (p, a: { prefix: string }) => `${a.prefix}${p.n}`,
    },
  },
});
async function* source() {
  if (failing) throw new Error("database on fire");
  yield* payloads;
}
const field = (shared: boolean): G.GraphQLFieldConfig<unknown, unknown> => ({
  type: Item,
  args: { from: { type: g.GraphQLInt } },
  subscribe: source,
  resolve: (p) => p,
  ...(shared ? { extensions: { sharedPayload: true } } : {}),
});
const schema = new g.GraphQLSchema({
  query: new g.GraphQLObjectType({ name: "Query", fields: { ok: { type: g.GraphQLBoolean } } }),
  subscription: new g.GraphQLObjectType({ name: "Subscription", fields: { items: field(true), plain: field(false) } }),
});

const logged: unknown[] = [];
const logger: Logger = { debug() {}, info() {}, warn() {}, error: (o) => void logged.push(o) };
const yoga = createYoga({ schema, maskedErrors: false, logging: false, plugins: [useSharedExecution(), useMaskedErrors(logger)] });

async function subscribe(query: string, variables: Record<string, unknown>, requestId = "r1") {
  const { parse, subscribe: run, contextFactory } = yoga.getEnveloped({ requestId, params: { query, variables } });
  const result = (await run({
    schema,
    document: parse(query),
    variableValues: variables,
    contextValue: await contextFactory(),
  })) as AsyncIterable<G.ExecutionResult>;
  const out: G.ExecutionResult[] = [];
  for await (const r of result) out.push(r);
  return out;
}

const Q = `subscription ($from: Int, $p: String) { items(from: $from) { n label(prefix: $p) } }`;

describe("shared execution of subscription payloads", () => {
  beforeEach(() => {
    payloads = [{ n: 1 }, { n: 2 }, { n: 3 }];
    executions = 0;
  });

  it("executes a payload once for subscribers of the same selection, whatever the root field's arguments", async () => {
    const [a, b] = await Promise.all([subscribe(Q, { from: 0, p: "#" }), subscribe(Q, { from: 7, p: "#" })]);
    expect(a.map((r) => r.data)).toEqual(payloads.map((p) => ({ items: { n: p.n, label: `#${p.n}` } })));
    expect(b).toEqual(a);
    expect(executions).toBe(payloads.length);
    // one object for both, serialized once for the WebSocket transport
    expect(b[0]!.data).toBe(a[0]!.data);
    expect(sharedJson(a[0]!.data)).toBe(JSON.stringify(a[0]!.data));
  });

  it("executes apart for another value of a variable used in the selection", async () => {
    const [a, b] = await Promise.all([subscribe(Q, { p: "#" }), subscribe(Q, { p: "@" })]);
    expect(a.map((r) => (r.data as { items: { label: string } }).items.label)).toEqual(["#1", "#2", "#3"]);
    expect(b.map((r) => (r.data as { items: { label: string } }).items.label)).toEqual(["@1", "@2", "@3"]);
    expect(executions).toBe(2 * payloads.length);
  });

  it("never shares a field not marked sharedPayload", async () => {
    const q = `subscription { plain { n } }`;
    const [a] = await Promise.all([subscribe(q, {}), subscribe(q, {})]);
    expect(executions).toBe(2 * payloads.length);
    expect(sharedJson(a[0]!.data)).toBeUndefined();
  });

  it("a failing source ends the subscription with a masked error carrying the request id", async () => {
    failing = true;
    try {
      const out = await subscribe(`subscription { items { n } }`, {}, "req-42");
      expect(out).toHaveLength(1);
      expect(out[0]!.errors!.map((e) => [e.message, e.extensions])).toEqual([
        ["Unexpected error", { code: "INTERNAL_SERVER_ERROR", requestId: "req-42" }],
      ]);
      expect(JSON.stringify(logged)).toContain("database on fire");
    } finally {
      failing = false;
    }
  });
});
