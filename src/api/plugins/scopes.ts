// Scope checks per operation, on HTTP and WebSocket alike: queries and
// subscriptions need read, mutations need write. An operation is refused as a
// whole before anything executes, so a mixed document cannot slip a field past.
import type { DocumentNode } from "graphql";
import { getOperationAST, GraphQLError } from "../graphql.js";
import type { Plugin } from "graphql-yoga";
import { can, type Principal } from "../auth/principal.js";
import type { ApiContext } from "../context.js";

export function scopeError(principal: Principal, document: DocumentNode, operationName?: string | null): GraphQLError | null {
  const op = getOperationAST(document, operationName ?? undefined);
  const need = op?.operation === "mutation" ? "write" : "read";
  if (can(principal, need)) return null;
  const anonymous = principal.scopes.size === 0;
  return new GraphQLError(anonymous ? "authentication required: send a bearer token" : `this operation needs the ${need} scope`, {
    extensions: { code: anonymous ? "UNAUTHENTICATED" : "FORBIDDEN", http: { status: anonymous ? 401 : 403 } },
  });
}

export function useScopes(): Plugin<ApiContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const err = scopeError(args.contextValue.principal, args.document, args.operationName);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const err = scopeError(args.contextValue.principal, args.document, args.operationName);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
  };
}
