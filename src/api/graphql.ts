// graphql is a dual package (index.js and index.mjs). Pothos, Yoga and graphql-ws
// load its CommonJS build; so do we, whichever resolver loads this file (Node,
// or Vite under vitest, which would pick the .mjs): one GraphQLError class and
// one GraphQLSchema realm, so instanceof checks across libraries hold.
import { createRequire } from "node:module";
import type * as G from "graphql";

const graphql = createRequire(import.meta.url)("graphql") as typeof G;

export const {
  GraphQLError,
  Kind,
  getOperationAST,
  Lexer,
  Source,
  TokenKind,
  parse,
  printSchema,
  lexicographicSortSchema,
  NoSchemaIntrospectionCustomRule,
  createSourceEventStream,
  execute,
  locatedError,
  print,
  visit,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isUnionType,
  isListType,
  isObjectType,
} = graphql;
export type GraphQLError = G.GraphQLError;
