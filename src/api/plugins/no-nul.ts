// NUL characters refused at the edge. PostgreSQL's text cannot hold U+0000: an
// id, title or command with one would fail in the database as an unexpected
// error. A string literal in the document is refused by validation, a
// variable before execution, each naming where the NUL is (code NUL_CHARACTER).
import type { ASTVisitor, ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import { brief, nulPath, NUL_MESSAGE } from "../../core/text-guard.js";
import { GraphQLError } from "../graphql.js";

export const NUL_CODE = "NUL_CHARACTER";

export function noNulRule(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node) {
      if (!node.value.includes("\u0000")) return;
      const at = node.loc ? ` at line ${node.loc.startToken.line}, column ${node.loc.startToken.column}` : "";
      context.reportError(new GraphQLError(`the string literal${at} ${NUL_MESSAGE}`, { nodes: [node], extensions: { code: NUL_CODE } }));
    },
  };
}

/** The error for variables holding a NUL, or null when they hold none. */
export function nulInVariables(variables: unknown): GraphQLError | null {
  const at = variables ? nulPath(variables, "") : undefined;
  if (at === undefined) return null;
  return new GraphQLError(`variable $${brief(at, 120)} ${NUL_MESSAGE}`, { extensions: { code: NUL_CODE } });
}

export function useNoNul(): Plugin {
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      const error = nulInVariables(args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe: ({ args, setResultAndStopExecution }) => {
      const error = nulInVariables(args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
