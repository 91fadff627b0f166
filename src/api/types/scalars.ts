// DateTime (ISO 8601 strings; engine times are epoch milliseconds) and JSON.
import type { ValueNode } from "graphql";
import { GraphQLError, Kind } from "../graphql.js";
import { builder } from "../builder.js";

builder.scalarType("DateTime", {
  description: "An instant, as an ISO 8601 string in UTC",
  serialize: (v) => new Date(v).toISOString(),
  parseValue: (v) => {
    const d = new Date(String(v));
    if (typeof v !== "string" || Number.isNaN(d.getTime())) throw new GraphQLError("DateTime must be an ISO 8601 string");
    return d;
  },
});

function literal(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literal(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    default:
      throw new GraphQLError("unsupported JSON literal");
  }
}

builder.scalarType("JSON", {
  description: "Any JSON value",
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (node, variables) => literal(node, variables),
});
