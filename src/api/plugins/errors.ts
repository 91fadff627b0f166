// Error masking: a resolver's expected error (a ConveyorError not listed as a
// typed result, e.g. runEvents on an unknown run) keeps its message and code;
// anything unexpected is logged with the request's correlation id and replaced
// by "Unexpected error" carrying that id, so a user can quote it.
import type { ExecutionResult } from "graphql";
import { GraphQLError } from "../graphql.js";
import type { Plugin } from "graphql-yoga";
import { ConveyorError } from "../../core/errors.js";
import type { Logger } from "../../engine/ports.js";
import type { ApiContext } from "../context.js";

export function maskErrors(result: ExecutionResult, ctx: ApiContext, logger: Logger): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    const original = e.originalError;
    if (!original || original instanceof GraphQLError) return e;
    const at = { ...(e.path ? { path: e.path } : {}), ...(e.nodes ? { nodes: e.nodes } : {}) };
    if (original instanceof ConveyorError) return new GraphQLError(original.message, { ...at, extensions: { code: original.code } });
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
        const masked = maskErrors({ errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error), { originalError: error as Error })] }, args.contextValue, logger);
        setError(masked.errors![0]);
      },
    }),
  };
}
