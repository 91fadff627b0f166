// Plain queries answered without Yoga's HTTP layer. A JSON POST of a query that
// parses and validates, from a client that takes application/json and is not a
// browser (no Origin header; a browser's goes through Yoga), is executed through Yoga's own envelop
// (the same parse and validation caches, limits, scopes, masking and metrics) and
// its result serialized here. Yoga's fetch layer (a Request, a Response, its
// plugin hooks per request) cost more than executing such a query: this path
// answers ~2× the queries per second. Anything else (GET, mutations,
// subscriptions, SSE, other media types, batches, extensions, errors of parsing
// or validation) goes to Yoga as before, so that every error answer is Yoga's.
import type { IncomingHttpHeaders } from "node:http";
import type { ExecutionResult } from "graphql";
import { processRegularResult } from "graphql-yoga";
import { getOperationAST } from "../graphql.js";
import type { ApiContext } from "../context.js";
import type { ApiYoga } from "../yoga.js";
import { headerRecord } from "../http/io.js";

export interface DirectParams {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown> | null;
}

export interface DirectAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const PARAMS = new Set(["query", "operationName", "variables", "extensions"]);
/** What Yoga reads as JSON, in UTF-8 (its own test: the type, alone or before a `;`). */
const JSON_TYPE = /^application\/json(;\s*charset=(utf-8|UTF-8))?$/;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Whether the client takes application/json, and would not rather have
 * application/graphql-response+json. Any parameter (a charset, a weight) is left
 * to Yoga's negotiation.
 */
function takesJson(accept: string | undefined): boolean {
  if (accept === undefined || accept === "") return true;
  if (accept.includes(";")) return false;
  const types = accept.split(",").map((t) => t.trim().toLowerCase());
  return !types.includes("application/graphql-response+json") && (types.includes("application/json") || types.includes("*/*"));
}

/** The request's parameters when it may take the direct path; null sends it to Yoga. */
export function directParams(method: string, headers: IncomingHttpHeaders, body: Buffer): DirectParams | null {
  if (method !== "POST" || headers.origin !== undefined) return null;
  if (!JSON_TYPE.test(headers["content-type"] ?? "") || !takesJson(headers.accept)) return null;
  let params: unknown;
  try {
    params = JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
  if (!isPlainObject(params)) return null;
  for (const [k, v] of Object.entries(params)) if (!PARAMS.has(k) && v != null) return null;
  const { query, operationName, variables, extensions } = params;
  if (typeof query !== "string") return null;
  if (operationName != null && typeof operationName !== "string") return null;
  if (variables != null && !isPlainObject(variables)) return null;
  if (extensions != null && !(isPlainObject(extensions) && Object.keys(extensions).length === 0)) return null;
  return { query, operationName: operationName ?? null, variables: variables ?? null };
}

/**
 * Executes `p` if it is a valid query; null when Yoga should answer instead:
 * nothing executed, or (an error thrown outside the GraphQL result, which Yoga
 * has its own answer for) a query, which has no effects to repeat.
 */
export async function executeDirect(yoga: ApiYoga, p: DirectParams, context: ApiContext): Promise<DirectAnswer | null> {
  const { schema, parse, validate, contextFactory, execute } = yoga.getEnveloped({ ...context, params: p });
  let document;
  try {
    document = parse(p.query);
  } catch {
    return null;
  }
  if (validate(schema, document).length > 0 || getOperationAST(document, p.operationName ?? undefined)?.operation !== "query") return null;
  let result: ExecutionResult;
  try {
    result = (await execute({
      schema,
      document,
      contextValue: await contextFactory(),
      variableValues: p.variables,
      operationName: p.operationName,
    })) as ExecutionResult;
  } catch {
    return null;
  }
  if (!result.errors?.length)
    return { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(result) };
  // errors: status and body as Yoga makes them for application/json (codes, http extensions, internals left out)
  const response = processRegularResult(result, yoga.fetchAPI, "application/json");
  return { status: response.status, headers: headerRecord(response.headers), body: await response.text() };
}
