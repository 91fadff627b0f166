// Validation rules that bound what one operation may ask for: selection depth
// and a cost (fields, multiplied by how many items the lists around them may hold).
// A connection holds its `first` (a variable counts as the largest page, since
// validation runs once per document, whatever the variables); a plain list its
// known bound, or DEFAULT_LIST_SIZE.
import type { ASTVisitor, FieldNode, FragmentDefinitionNode, GraphQLCompositeType, GraphQLSchema, SelectionSetNode, ValidationContext } from "graphql";
import { GraphQLError, Kind, getNamedType, getNullableType, isCompositeType, isInterfaceType, isListType, isObjectType } from "../graphql.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../paging.js";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxCost: 20_000 };

/** Plain lists whose length has a known bound larger than the default. */
const LIST_SIZES: Record<string, number> = { "Query.activeRuns": 1_000 };
const DEFAULT_LIST_SIZE = 100;

interface Measure {
  depth: number;
  cost: number;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
}

/** How many items the field may return, each costing what its selection costs. */
function multiplier(field: FieldNode, parent: GraphQLCompositeType | undefined): { n: number; type: GraphQLCompositeType | undefined } {
  const def = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[field.name.value] : undefined;
  const named = def ? getNamedType(def.type) : undefined;
  const type = named && isCompositeType(named) ? named : undefined;
  const first = field.arguments?.find((a) => a.name.value === "first");
  if (first) return { n: Math.max(1, first.value.kind === Kind.INT ? Number(first.value.value) : MAX_PAGE_SIZE), type };
  if (def && def.args.some((a) => a.name === "first")) return { n: DEFAULT_PAGE_SIZE, type };
  // a connection's edges were counted by its `first`
  const inConnection = parent && isObjectType(parent) && "pageInfo" in parent.getFields();
  if (def && !inConnection && isListType(getNullableType(def.type))) return { n: LIST_SIZES[`${parent!.name}.${def.name}`] ?? DEFAULT_LIST_SIZE, type };
  return { n: 1, type };
}

function measure(set: SelectionSetNode, parent: GraphQLCompositeType | undefined, w: Walk, seen: Set<string>): Measure {
  let depth = 0;
  let cost = 0;
  for (const sel of set.selections) {
    let inner: Measure = { depth: 0, cost: 0 };
    if (sel.kind === Kind.FIELD) {
      const { n, type } = multiplier(sel, parent);
      const sub = sel.selectionSet ? measure(sel.selectionSet, type, w, seen) : { depth: 0, cost: 0 };
      inner = { depth: sub.depth + 1, cost: 1 + n * sub.cost };
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(sel.selectionSet, sel.typeCondition ? condition(w, sel.typeCondition.name.value) : parent, w, seen);
    } else {
      const f = w.fragments[sel.name.value];
      if (f && !seen.has(f.name.value)) inner = measure(f.selectionSet, condition(w, f.typeCondition.name.value), w, new Set(seen).add(f.name.value));
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  }
  return { depth, cost };
}

function condition(w: Walk, name: string): GraphQLCompositeType | undefined {
  const t = w.schema.getType(name);
  return t && isCompositeType(t) ? t : undefined;
}

export function queryLimitsRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const fragments = Object.fromEntries(
        context.getDocument().definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      const schema = context.getSchema();
      const root = node.operation === "query" ? schema.getQueryType() : node.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
      const m = measure(node.selectionSet, root ?? undefined, { schema, fragments }, new Set());
      if (m.depth > limits.maxDepth) {
        context.reportError(new GraphQLError(`query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`, { nodes: [node], extensions: { code: "QUERY_TOO_DEEP" } }));
      }
      if (m.cost > limits.maxCost) {
        context.reportError(new GraphQLError(`query cost ${m.cost} exceeds the limit of ${limits.maxCost}`, { nodes: [node], extensions: { code: "QUERY_TOO_COSTLY" } }));
      }
    },
  });
}
