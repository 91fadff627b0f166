// Bounds on a GraphQL document before it is parsed. graphql-js parses by
// recursive descent: a document nested a few thousand levels deep (20 KB of
// "{a{a{a...") exhausts the stack before any depth rule runs, and every token
// becomes AST nodes (~500 bytes each, see parse-cache.ts). So the source is
// first lexed (a loop, no recursion), counting tokens and the nesting of
// braces, brackets and parentheses, and refused past either limit; only then
// parsed, with graphql-js' own maxTokens as a second stop. This runs only on
// a parse-cache miss: a cached document skips it.
import type { DocumentNode, ParseOptions, Source as GraphQLSource } from "graphql";
import type { Plugin } from "graphql-yoga";
import { GraphQLError, Lexer, Source, TokenKind, parse } from "../graphql.js";

export interface DocumentLimits {
  /** Tokens in one document (names, punctuation, values; not comments). */
  maxTokens: number;
  /** Open braces, brackets and parentheses at once. */
  maxNesting: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = { maxTokens: 10_000, maxNesting: 64 };

const OPEN = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSE = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/** Throws a GraphQLError (QUERY_TOO_LARGE, QUERY_TOO_NESTED, or the lexer's syntax error) when `source` is over a limit. */
export function checkDocument(source: string | GraphQLSource, limits: DocumentLimits): void {
  const lexer = new Lexer(typeof source === "string" ? new Source(source) : source);
  let tokens = 0;
  let depth = 0;
  for (let t = lexer.advance(); t.kind !== TokenKind.EOF; t = lexer.advance()) {
    if (++tokens > limits.maxTokens) {
      throw new GraphQLError(`the query has more than ${limits.maxTokens} tokens`, { extensions: { code: "QUERY_TOO_LARGE" } });
    }
    if (OPEN.has(t.kind) && ++depth > limits.maxNesting) {
      throw new GraphQLError(
        `the query nests braces, brackets or parentheses more than ${limits.maxNesting} deep (at line ${t.line}, column ${t.column})`,
        {
          extensions: { code: "QUERY_TOO_NESTED" },
        },
      );
    }
    if (CLOSE.has(t.kind)) depth--;
  }
}

export function guardedParse(limits: DocumentLimits) {
  return (source: string | GraphQLSource, options?: ParseOptions): DocumentNode => {
    checkDocument(source, limits);
    return parse(source, { ...options, maxTokens: limits.maxTokens });
  };
}

/** Replaces the parser Yoga's envelop uses (HTTP, the direct path, WebSocket and SSE alike). */
export function useDocumentGuard(limits: DocumentLimits): Plugin {
  const parseFn = guardedParse(limits);
  return {
    onParse: ({ setParseFn }) => setParseFn(parseFn),
  };
}
