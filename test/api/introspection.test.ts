// Introspection within the limits: the standard introspection queries (what
// GraphiQL, graphql-codegen, urql's schema download, rover and Postman send)
// are answered over HTTP and WebSocket, while an introspection query that
// asks more of the schema than they do, by depth or by nesting its lists, is
// refused, and real operations keep their own depth and cost limits (an
// introspection field beside them does not lift them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from "graphql";
import { createRequire } from "node:module";
import { DEFAULT_QUERY_LIMITS, queryLimitsRule } from "../../src/api/plugins/limits.js";
import { schema } from "../../src/api/schema.js";
import { GRAPHIQL_OPTIONS } from "../../src/api/graphiql.js";
import { collect, startTestServer, type TestServer } from "./support/server.js";

// the schema is built on graphql's CommonJS build (src/api/graphql.ts): validate it with the same one
const graphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");
/** The `__schema { ... }` selection of a getIntrospectionQuery() text, and its fragments. */
function parts(query: string) {
  const operation = query.slice(0, query.indexOf("fragment FullType"));
  return {
    selection: operation.slice(operation.indexOf("__schema"), operation.lastIndexOf("}")).trim(),
    fragments: query.slice(operation.length),
  };
}
const FULL = {
  descriptions: true,
  inputValueDeprecation: true,
  schemaDescription: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
};
const codes = (body: { errors?: { extensions?: { code?: string } }[] }) => (body.errors ?? []).map((e) => e.extensions?.code);

/** `__type(name: "Run") { fields { type { ofType { ofType ... name } } } }` with `levels` ofType. */
function deepTypeRef(levels: number): string {
  return `{ __type(name: "Run") { fields { type { ${"ofType { ".repeat(levels)}name${" }".repeat(levels)} } } } }`;
}

describe("introspection within the limits", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("pglite");
  });
  afterAll(() => s.close());

  it.each([
    ["getIntrospectionQuery()", getIntrospectionQuery()],
    ["with descriptions and deprecations", getIntrospectionQuery(FULL)],
    ["with every option (oneOf too)", getIntrospectionQuery({ ...FULL, oneOf: true })],
    ["without descriptions", getIntrospectionQuery({ descriptions: false })],
  ])("answers %s, and the answer is the schema", async (_what, query) => {
    const r = await s.gql<IntrospectionQuery>(query);
    expect(r.body.errors).toBeUndefined();
    expect(r.status).toBe(200);
    const schema = buildClientSchema(r.body.data!);
    expect(Object.keys(schema.getQueryType()!.getFields())).toContain("run");
    expect(Object.keys(schema.getSubscriptionType()!.getFields())).toContain("runEvents");
  });

  it("answers the standard query over WebSocket too", async () => {
    const sub = collect<IntrospectionQuery>(s.ws(), getIntrospectionQuery(FULL), {});
    const [data] = await sub.done;
    expect(sub.errors).toEqual([]);
    expect(data!.__schema.types.some((t) => t.name === "Run")).toBe(true);
  });

  it("answers small introspection beside a real query", async () => {
    const r = await s.gql(`{ activeRuns { id } __type(name: "RunStatus") { enumValues { name } } }`);
    expect(r.body.errors).toBeUndefined();
    expect((r.body.data as { __type: { enumValues: { name: string }[] } }).__type.enumValues.map((v) => v.name)).toContain("SUCCEEDED");
  });

  it("refuses an introspection query nested deeper than the standard one", async () => {
    expect((await s.gql(deepTypeRef(8))).body.errors).toBeUndefined(); // the standard query's depth
    const r = await s.gql(deepTypeRef(50));
    expect(r.body.data).toBeUndefined();
    expect(codes(r.body)).toEqual(["QUERY_TOO_DEEP"]);
    expect(r.body.errors![0].message).toMatch(/^introspection depth 54 exceeds the limit of \d+/);
  });

  it("refuses introspection that multiplies the schema by nesting its lists", async () => {
    // shallow, yet each list multiplies the next: types × possible types × fields × arguments × enum values
    // (graphql-js' MaxIntrospectionDepthRule lets this one through: it counts fields, interfaces, possibleTypes and inputFields only)
    const fanOut = `{ __schema { types { possibleTypes { fields { args { type { enumValues { name description } } } } } } } }`;
    const r = await s.gql(fanOut);
    expect(r.body.data).toBeUndefined();
    expect(codes(r.body)).toEqual(["QUERY_TOO_COSTLY"]);
    expect(r.body.errors![0].message).toMatch(/^introspection cost \d+ exceeds the limit of \d+/);
  });

  it("refuses the standard query twice under aliases: the allowance is per operation", async () => {
    const { selection, fragments } = parts(getIntrospectionQuery(FULL));
    const r = await s.gql(`query { a: ${selection} b: ${selection} } ${fragments}`);
    expect(codes(r.body)).toEqual(["QUERY_TOO_COSTLY"]);
  });

  it("keeps the cost limit of real operations, introspection beside them or not", async () => {
    const costly = `{ runs(first: 500) { edges { node { tasks(first: 500) { edges { node { attempts { number } } } } } } } }`;
    for (const extra of ["", `__schema { queryType { name } }`, `__type(name: "Run") { name }`]) {
      const r = await s.gql(costly.replace(/\}$/, `${extra} }`));
      expect([extra, codes(r.body)]).toEqual([extra, ["QUERY_TOO_COSTLY"]]);
    }
  });

  it("keeps the depth limit of real operations: introspection fields count nothing toward it, and lift nothing", () => {
    // the schema's own fields nest less than 12 deep, so the rule is checked here with a lower limit
    const rule = queryLimitsRule({ maxDepth: 4, maxCost: DEFAULT_QUERY_LIMITS.maxCost });
    const check = (q: string) => graphql.validate(schema, graphql.parse(q), [rule]).map((e) => e.message);
    const fourDeep = `{ runs { edges { node { id } } } }`;
    const fiveDeep = `{ runs { edges { node { progress { percent } } } } }`;
    expect(check(fourDeep)).toEqual([]);
    expect(check(fiveDeep)).toEqual(["query depth 5 exceeds the limit of 4"]);
    const { selection, fragments } = parts(getIntrospectionQuery());
    expect(check(`{ runs { edges { node { id } } } ${selection} } ${fragments}`)).toEqual([]);
    expect(check(`{ ...F } fragment F on Query { __type(name: "Run") { name } runs { edges { node { progress { percent } } } } }`)).toEqual(
      ["query depth 5 exceeds the limit of 4"],
    );
  });

  it("GraphiQL's example operations are valid against the schema and within the limits", () => {
    const operations = GRAPHIQL_OPTIONS.defaultTabs!.map((t) => t.query!);
    expect(operations.some((q) => q.includes("subscription"))).toBe(true);
    for (const q of operations)
      expect([q, graphql.validate(schema, graphql.parse(q), [...graphql.specifiedRules, queryLimitsRule(DEFAULT_QUERY_LIMITS)])]).toEqual([
        q,
        [],
      ]);
  });
});
