// Validation rules that bound what one operation may ask for: selection depth
// and a cost (fields, multiplied by the page sizes of the lists around them).
import type { ASTVisitor, FragmentDefinitionNode, SelectionSetNode, ValidationContext } from "graphql";
import { GraphQLError, Kind } from "../graphql.js";
import { DEFAULT_PAGE_SIZE } from "../paging.js";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxCost: 20_000 };

interface Measure {
  depth: number;
  cost: number;
}

function measure(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>): Measure {
  let depth = 0;
  let cost = 0;
  for (const sel of set.selections) {
    let inner: Measure = { depth: 0, cost: 0 };
    if (sel.kind === Kind.FIELD) {
      const sub = sel.selectionSet ? measure(sel.selectionSet, fragments, seen) : { depth: 0, cost: 0 };
      const first = sel.arguments?.find((a) => a.name.value === "first");
      // a page size given as a variable is not known here: count the default
      const n = first?.value.kind === Kind.INT ? Number(first.value.value) : first ? DEFAULT_PAGE_SIZE : 1;
      inner = { depth: sub.depth + 1, cost: 1 + Math.max(1, n) * sub.cost };
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(sel.selectionSet, fragments, seen);
    } else {
      const f = fragments[sel.name.value];
      if (f && !seen.has(f.name.value)) inner = measure(f.selectionSet, fragments, new Set(seen).add(f.name.value));
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  }
  return { depth, cost };
}

export function queryLimitsRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const fragments = Object.fromEntries(
        context.getDocument().definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      const m = measure(node.selectionSet, fragments, new Set());
      if (m.depth > limits.maxDepth) {
        context.reportError(new GraphQLError(`query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`, { nodes: [node], extensions: { code: "QUERY_TOO_DEEP" } }));
      }
      if (m.cost > limits.maxCost) {
        context.reportError(new GraphQLError(`query cost ${m.cost} exceeds the limit of ${limits.maxCost}`, { nodes: [node], extensions: { code: "QUERY_TOO_COSTLY" } }));
      }
    },
  });
}
