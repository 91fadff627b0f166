// Pages of subscription payloads (fast/pages.ts, fast/shared-execution.ts):
// payloads a source already holds (live/ready-items.ts) are taken at once and
// executed in one go through the root field's `pagedBy` list field, whether they
// are shared with other subscribers (then kept for them) or read for one alone.
// Each result must be exactly what one execution of its payload gives (aliases,
// fragments, variables), errors included (a page with one is executed payload by
// payload); a transport that sends pages gets one result carrying each result's
// JSON in order.
import { createRequire } from "node:module";
import type * as G from "graphql";
import { createYoga } from "graphql-yoga";
import { beforeEach, describe, expect, it } from "vitest";
import { useSharedExecution } from "../../src/api/fast/shared-execution.js";
import { MAX_PAGE, pageJson, sendsPages } from "../../src/api/fast/pages.js";
import type { Ready, ReadyItems } from "../../src/api/live/ready-items.js";

const g = createRequire(import.meta.url)("graphql") as typeof G;

type P = { n: number };
let payloads: P[] = [];
let pageExecutions = 0;
/** Whether the source says its payloads are shared with other subscribers. */
let shared = false;

/** Gives its payloads one by one, and lets a reader take those after the last one given. */
class ReadySource implements AsyncIterableIterator<P>, ReadyItems<P> {
  private at = 0;
  constructor(private readonly items: P[]) {}
  [Symbol.asyncIterator]() {
    return this;
  }
  async next(): Promise<IteratorResult<P>> {
    return this.at < this.items.length ? { value: this.items[this.at++]!, done: false } : { value: undefined, done: true };
  }
  takeReady(max: number, stop?: (p: P) => boolean): Ready<P> {
    const out: P[] = [];
    while (this.at < this.items.length && out.length < max && !stop?.(this.items[this.at]!)) out.push(this.items[this.at++]!);
    return { items: out, shared };
  }
}

const Item = new g.GraphQLObjectType<P>({
  name: "Item",
  fields: {
    n: { type: new g.GraphQLNonNull(g.GraphQLInt) },
    label: {
      type: g.GraphQLString,
      args: { prefix: { type: g.GraphQLString } },
      resolve: (p, a: { prefix: string }) => `${a.prefix}${p.n}`,
    },
    // fails for multiples of 7: a null that propagates to the item
    checked: {
      type: new g.GraphQLNonNull(g.GraphQLInt),
      resolve: (p) => {
        if (p.n % 7 === 0) throw new Error(`no ${p.n}`);
        return p.n;
      },
    },
  },
});
const args = { from: { type: g.GraphQLInt } };
const schema = new g.GraphQLSchema({
  query: new g.GraphQLObjectType({ name: "Query", fields: { ok: { type: g.GraphQLBoolean } } }),
  subscription: new g.GraphQLObjectType({
    name: "Subscription",
    fields: {
      items: {
        type: new g.GraphQLNonNull(Item),
        args,
        subscribe: () => new ReadySource(payloads),
        resolve: (p) => p,
        extensions: { sharedPayload: true, pagedBy: "itemPages" },
      },
      itemPages: {
        type: new g.GraphQLNonNull(new g.GraphQLList(new g.GraphQLNonNull(Item))),
        args,
        subscribe: () => new ReadySource(payloads),
        resolve: (p: P[]) => (pageExecutions++, p),
      },
      // the same, unshared: one plain execution per payload, the reference
      plain: { type: new g.GraphQLNonNull(Item), args, subscribe: () => new ReadySource(payloads), resolve: (p) => p },
    },
  }),
});
const yoga = createYoga({ schema, maskedErrors: false, logging: false, plugins: [useSharedExecution()] });

async function subscribe(query: string, variables: Record<string, unknown> = {}, pages = false) {
  const { parse, subscribe: run, contextFactory } = yoga.getEnveloped({ params: { query, variables } });
  const contextValue = await contextFactory();
  if (pages) sendsPages(contextValue);
  const result = (await run({
    schema,
    document: parse(query),
    variableValues: variables,
    contextValue,
  })) as AsyncIterable<G.ExecutionResult>;
  const out: G.ExecutionResult[] = [];
  for await (const r of result) out.push(r);
  return out;
}

const json = (rs: G.ExecutionResult[]) => rs.map((r) => JSON.stringify(r));
const query = (field: string, selection = "n ...more") =>
  `subscription ($p: String) { x: ${field}(from: 1) { ${selection} } } fragment more on Item { label(prefix: $p) __typename }`;

describe.each([true, false])("pages of subscription payloads (shared with other subscribers: %s)", (sharedPayloads) => {
  beforeEach(() => {
    payloads = Array.from({ length: 20 }, (_, i) => ({ n: i + 1 }));
    pageExecutions = 0;
    shared = sharedPayloads;
  });

  it("executes the payloads at hand in one go, each result exactly one execution's", async () => {
    const paged = await subscribe(query("items"), { p: "#" });
    expect(pageExecutions).toBe(1);
    expect(json(paged)).toEqual(json(await subscribe(query("plain"), { p: "#" })));
    expect(paged).toHaveLength(20);
    // shared: kept for the next subscriber asking alike, who executes nothing
    await subscribe(query("items"), { p: "#" });
    expect(pageExecutions).toBe(sharedPayloads ? 1 : 2);
  });

  it("takes at most MAX_PAGE payloads at once", async () => {
    payloads = Array.from({ length: MAX_PAGE + 10 }, (_, i) => ({ n: i + 1 }));
    const paged = await subscribe(query("items", "n"));
    expect(paged.map((r) => (r.data as { x: P }).x.n)).toEqual(payloads.map((p) => p.n));
    expect(pageExecutions).toBe(2);
  });

  it("a page with an error is executed payload by payload: errors and nulls as apart", async () => {
    const q = query("items", "n checked");
    const paged = await subscribe(q);
    const plain = await subscribe(query("plain", "n checked"));
    expect(plain.filter((r) => r.errors).length).toBe(2); // 7 and 14
    expect(json(paged)).toEqual(json(plain));
  });

  it("gives a transport that sends pages one result, holding each result's JSON in order", async () => {
    const paged = await subscribe(query("items"), { p: "@" }, true);
    expect(paged).toHaveLength(1); // the first payload is taken by next(), the other 19 with it
    const expected = (await subscribe(query("plain"), { p: "@" })).map((r) => JSON.stringify(r.data));
    expect(pageJson(paged[0]!.data)).toEqual(expected);
  });

  it("a transport that sends pages still gets results with errors one by one", async () => {
    const paged = await subscribe(query("items", "n checked"), {}, true);
    expect(json(paged)).toEqual(json(await subscribe(query("plain", "n checked"))));
  });
});
