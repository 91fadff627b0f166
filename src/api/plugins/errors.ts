// Error masking: a resolver's expected error (a ConveyorError not listed as a
// typed result, e.g. runEvents on an unknown run) keeps its message and code;
// anything unexpected is logged with the request's correlation id and replaced
// by "Unexpected error" carrying that id, so a user can quote it. Every message
// that leaves is cut to MAX_MESSAGE characters: graphql-js quotes the offending
// token or value whole, and a 100 KB input must not make a 100 KB answer.
import type { ExecutionResult } from "graphql";
import { GraphQLError } from "../graphql.js";
import type { Plugin } from "graphql-yoga";
import { ConveyorError } from "../../core/errors.js";
import { brief } from "../../core/text-guard.js";
import type { Logger } from "../../engine/ports.js";
import type { ApiContext } from "../context.js";

export const MAX_MESSAGE = 300;

/** The code graphql-js leaves out: every error a client gets says what kind it is. */
function codeOf(e: GraphQLError): string {
  if (e.message.startsWith("Syntax Error")) return "GRAPHQL_PARSE_FAILED";
  if (e.message.startsWith('Variable "$')) return "BAD_USER_INPUT";
  return e.path ? "BAD_REQUEST" : "GRAPHQL_VALIDATION_FAILED";
}

const needsWork = (e: GraphQLError) =>
  e.message.length > MAX_MESSAGE || typeof e.extensions?.code !== "string" || e.extensions.originalError !== undefined;

/** Yoga copies a refused request's cause into extensions.originalError, message whole (a JSON parser's quotes the body): cut too. */
function briefExtensions(extensions: GraphQLError["extensions"]): Record<string, unknown> {
  const original = extensions?.originalError as { name?: unknown; message?: unknown } | undefined;
  if (!original) return { ...extensions };
  return {
    ...extensions,
    originalError: { name: original.name, message: typeof original.message === "string" ? brief(original.message, 200) : undefined },
  };
}

/** `e` with its message cut to MAX_MESSAGE characters and a code (the same error when it has both). */
export function briefError(e: GraphQLError): GraphQLError {
  if (!needsWork(e)) return e;
  return new GraphQLError(brief(e.message, MAX_MESSAGE), {
    ...(e.nodes ? { nodes: e.nodes } : {}),
    ...(e.source && e.positions ? { source: e.source, positions: e.positions } : {}),
    ...(e.path ? { path: e.path } : {}),
    ...(e.originalError ? { originalError: e.originalError } : {}),
    extensions: { ...briefExtensions(e.extensions), code: typeof e.extensions?.code === "string" ? e.extensions.code : codeOf(e) },
  });
}

export function briefErrors<T extends ExecutionResult>(result: T): T {
  if (!result.errors?.some(needsWork)) return result;
  return { ...result, errors: result.errors.map(briefError) };
}

/** Cuts the messages of every answer Yoga sends (parse and validation errors, refused requests) and gives each error a code. */
export function useBriefErrors(): Plugin<ApiContext> {
  return {
    onResultProcess: ({ result, setResult }) => {
      if (Array.isArray(result)) setResult(result.map(briefErrors));
      else if (!(Symbol.asyncIterator in result)) setResult(briefErrors(result));
    },
  };
}

export function maskErrors(result: ExecutionResult, ctx: ApiContext, logger: Logger): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    const original = e.originalError;
    if (!original || original instanceof GraphQLError) return briefError(e);
    const at = { ...(e.path ? { path: e.path } : {}), ...(e.nodes ? { nodes: e.nodes } : {}) };
    if (original instanceof ConveyorError)
      return new GraphQLError(brief(original.message, MAX_MESSAGE), { ...at, extensions: { code: original.code } });
    logger.error({ requestId: ctx.requestId, path: e.path?.join("."), err: original.stack ?? String(original) }, "unexpected error");
    return new GraphQLError("Unexpected error", { ...at, extensions: { code: "INTERNAL_SERVER_ERROR", requestId: ctx.requestId } });
  });
  return { ...result, errors };
}

export function useMaskedErrors(logger: Logger): Plugin<ApiContext> {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        if (!(Symbol.asyncIterator in result)) setResult(maskErrors(result, args.contextValue, logger));
      },
    }),
    onSubscribe: ({ args }) => ({
      onSubscribeResult: ({ result, setResult }) => {
        if (!(Symbol.asyncIterator in result)) {
          setResult(maskErrors(result, args.contextValue, logger));
          return;
        }
        return { onNext: ({ result: r, setResult: set }) => set(maskErrors(r, args.contextValue, logger)) };
      },
      onSubscribeError: ({ error, setError }) => {
        const masked = maskErrors(
          { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error), { originalError: error as Error })] },
          args.contextValue,
          logger,
        );
        setError(masked.errors![0]);
      },
    }),
  };
}
