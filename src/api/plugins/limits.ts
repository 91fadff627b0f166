// Validation rules that bound what one operation may ask for: selection depth
// and a cost (fields, multiplied by how many items the lists around them may hold).
// A connection holds its `first` (a variable counts as the largest page, since
// validation runs once per document, whatever the variables); a plain list its
// known bound, or DEFAULT_LIST_SIZE. Introspection (`__schema`, `__type`) is
// measured apart, against its own allowance (introspection-allowance.ts).
import type {
  ASTVisitor,
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
} from "graphql";
import {
  GraphQLError,
  Kind,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
} from "../graphql.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../paging.js";
import { ALLOWANCE_ROOM, FULL_INTROSPECTION_OPTIONS, introspectionListSizes, type Allowance } from "./introspection-allowance.js";

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
  /** Set below `__schema` / `__type`: the length of each introspection list. */
  introspectionSizes?: Record<string, number>;
  /** The introspection fields of the operation, together (not counted in its own measure). */
  introspection: Measure;
}

const INTROSPECTION_ROOTS = new Set(["__schema", "__type"]);

/** How many items the field may return, each costing what its selection costs. */
function multiplier(
  field: FieldNode,
  parent: GraphQLCompositeType | undefined,
  w: Walk,
): { n: number; type: GraphQLCompositeType | undefined } {
  const def = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[field.name.value] : undefined;
  const named = def ? getNamedType(def.type) : undefined;
  const type = named && isCompositeType(named) ? named : undefined;
  if (w.introspectionSizes) return { n: w.introspectionSizes[`${parent?.name}.${field.name.value}`] ?? 1, type };
  const first = field.arguments?.find((a) => a.name.value === "first");
  if (first) return { n: Math.max(1, first.value.kind === Kind.INT ? Number(first.value.value) : MAX_PAGE_SIZE), type };
  if (def && def.args.some((a) => a.name === "first")) return { n: DEFAULT_PAGE_SIZE, type };
  // a connection's edges were counted by its `first`
  const inConnection = parent && isObjectType(parent) && "pageInfo" in parent.getFields();
  if (def && !inConnection && isListType(getNullableType(def.type)))
    return { n: LIST_SIZES[`${parent!.name}.${def.name}`] ?? DEFAULT_LIST_SIZE, type };
  return { n: 1, type };
}

function measure(set: SelectionSetNode, parent: GraphQLCompositeType | undefined, w: Walk, seen: Set<string>): Measure {
  let depth = 0;
  let cost = 0;
  for (const sel of set.selections) {
    let inner: Measure = { depth: 0, cost: 0 };
    if (sel.kind === Kind.FIELD && !w.introspectionSizes && INTROSPECTION_ROOTS.has(sel.name.value) && parent === w.schema.getQueryType()) {
      // meta-fields are not among the root type's fields: their types are named here
      const type = condition(w, sel.name.value === "__schema" ? "__Schema" : "__Type");
      const sub = sel.selectionSet
        ? measure(sel.selectionSet, type, { ...w, introspectionSizes: introspectionListSizes(w.schema) }, seen)
        : { depth: 0, cost: 0 };
      w.introspection.depth = Math.max(w.introspection.depth, sub.depth + 1);
      w.introspection.cost += 1 + sub.cost;
      continue;
    }
    if (sel.kind === Kind.FIELD) {
      inner = measureField(sel, parent, w, seen);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(sel.selectionSet, sel.typeCondition ? condition(w, sel.typeCondition.name.value) : parent, w, seen);
    } else {
      const f = w.fragments[sel.name.value];
      if (f && !seen.has(f.name.value))
        inner = measure(f.selectionSet, condition(w, f.typeCondition.name.value), w, new Set(seen).add(f.name.value));
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  }
  return { depth, cost };
}

function measureField(field: FieldNode, parent: GraphQLCompositeType | undefined, w: Walk, seen: Set<string>): Measure {
  const { n, type } = multiplier(field, parent, w);
  const sub = field.selectionSet ? measure(field.selectionSet, type, w, seen) : { depth: 0, cost: 0 };
  return { depth: sub.depth + 1, cost: 1 + n * sub.cost };
}

function condition(w: Walk, name: string): GraphQLCompositeType | undefined {
  const t = w.schema.getType(name);
  return t && isCompositeType(t) ? t : undefined;
}

/** An operation's own measure, and its introspection's apart. */
function measureOperation(
  node: OperationDefinitionNode,
  document: DocumentNode,
  schema: GraphQLSchema,
): { own: Measure; introspection: Measure } {
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const root =
    node.operation === "query"
      ? schema.getQueryType()
      : node.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  const w: Walk = { schema, fragments, introspection: { depth: 0, cost: 0 } };
  const own = measure(node.selectionSet, root ?? undefined, w, new Set());
  return { own, introspection: w.introspection };
}

const allowances = new WeakMap<GraphQLSchema, Allowance>();

/** The introspection allowance on `schema`: the full standard query's measure, with room. */
export function introspectionAllowance(schema: GraphQLSchema): Allowance {
  let a = allowances.get(schema);
  if (!a) {
    const doc = parse(getIntrospectionQuery(FULL_INTROSPECTION_OPTIONS));
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const { introspection } = measureOperation(op, doc, schema);
    a = { depth: introspection.depth + ALLOWANCE_ROOM.depth, cost: Math.ceil(introspection.cost * ALLOWANCE_ROOM.costFactor) };
    allowances.set(schema, a);
  }
  return a;
}

export function queryLimitsRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const schema = context.getSchema();
      const { own: m, introspection } = measureOperation(node, context.getDocument(), schema);
      if (m.depth > limits.maxDepth) {
        context.reportError(
          new GraphQLError(`query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`, {
            nodes: [node],
            extensions: { code: "QUERY_TOO_DEEP" },
          }),
        );
      }
      if (m.cost > limits.maxCost) {
        context.reportError(
          new GraphQLError(`query cost ${m.cost} exceeds the limit of ${limits.maxCost}`, {
            nodes: [node],
            extensions: { code: "QUERY_TOO_COSTLY" },
          }),
        );
      }
      if (introspection.cost === 0) return;
      const allowed = introspectionAllowance(schema);
      if (introspection.depth > allowed.depth) {
        context.reportError(
          new GraphQLError(
            `introspection depth ${introspection.depth} exceeds the limit of ${allowed.depth} (the standard introspection query's)`,
            { nodes: [node], extensions: { code: "QUERY_TOO_DEEP" } },
          ),
        );
      }
      if (introspection.cost > allowed.cost) {
        context.reportError(
          new GraphQLError(
            `introspection cost ${introspection.cost} exceeds the limit of ${allowed.cost} (the standard introspection query's, with room)`,
            { nodes: [node], extensions: { code: "QUERY_TOO_COSTLY" } },
          ),
        );
      }
    },
  });
}
