// The Pothos builder every type file registers on (code first; the printed schema
// is committed as schema.graphql). Expected failures are typed union members
// (plugin-errors); lists are Relay connections; ids are global but readable.
import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin from "@pothos/plugin-relay";
import type { ApiContext } from "./context.js";
import { decodeId, encodeId, NODE_TYPES } from "./global-id.js";

export const builder = new SchemaBuilder<{
  Context: ApiContext;
  DefaultFieldNullability: false;
  // every connection counts its items (computed only when asked)
  Connection: { totalCount: () => Promise<number> | number };
  Scalars: {
    DateTime: { Input: Date; Output: Date | number };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [ErrorsPlugin, RelayPlugin],
  defaultFieldNullability: false,
  errors: {
    directResult: true,
    // startRun -> StartRunResult: names clients can read
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName[0]!.toUpperCase()}${fieldName.slice(1)}Result` },
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    encodeGlobalID: encodeId,
    decodeGlobalID: decodeId,
    nodesQueryOptions: false,
    // an id of a type that has no nodes is unknown: null, as for an unknown id of a known type
    nodeQueryOptions: {
      resolve: (_root, { id }, _ctx, _info, resolveNode) => (NODE_TYPES.has(id.typename) ? resolveNode(id) : null),
    },
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
