// What introspection may cost. The fields under `__schema` and `__type` walk
// the schema, not the data: their lists are as long as this schema makes them
// (its types, the fields of its largest type...), not a page of runs. Priced
// with the query limits' multipliers (100 per list) the standard introspection
// query measures in the hundreds of thousands and GraphiQL, codegen or rover
// are refused; left unpriced, a query nesting `fields { type { fields ...`
// grows by a type's field count per level. So introspection is priced with the
// schema's own list lengths (limits.ts) against an allowance of its own: what
// graphql-js' getIntrospectionQuery, with every option on, measures on this
// schema, with room for a client whose type references go a little deeper.
import type { GraphQLSchema } from "graphql";
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType } from "../graphql.js";

export interface Allowance {
  depth: number;
  cost: number;
}

/** The fullest introspection query graphql-js writes: descriptions, deprecations and every flag. */
export const FULL_INTROSPECTION_OPTIONS = {
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
} as const;

/** Levels of `ofType` beyond the standard query's, and the factor on its cost. */
export const ALLOWANCE_ROOM = { depth: 2, costFactor: 1.5 };

const sizeCache = new WeakMap<GraphQLSchema, Record<string, number>>();

/** Each introspection list's longest length in `schema`, by "Type.field"; any other introspection field returns one item. */
export function introspectionListSizes(schema: GraphQLSchema): Record<string, number> {
  const cached = sizeCache.get(schema);
  if (cached) return cached;
  const types = Object.values(schema.getTypeMap());
  const longest = (lengths: number[]) => Math.max(1, ...lengths);
  const withFields = types.filter((t) => isObjectType(t) || isInterfaceType(t));
  const fieldArgs = withFields.flatMap((t) => Object.values(t.getFields()).map((f) => f.args.length));
  const sizes = {
    "__Schema.types": types.length,
    "__Schema.directives": schema.getDirectives().length,
    "__Type.fields": longest(withFields.map((t) => Object.keys(t.getFields()).length)),
    "__Type.interfaces": longest(withFields.map((t) => t.getInterfaces().length)),
    "__Type.possibleTypes": longest(
      types.filter((t) => isInterfaceType(t) || isUnionType(t)).map((t) => schema.getPossibleTypes(t).length),
    ),
    "__Type.enumValues": longest(types.filter(isEnumType).map((t) => t.getValues().length)),
    "__Type.inputFields": longest(types.filter(isInputObjectType).map((t) => Object.keys(t.getFields()).length)),
    "__Field.args": longest(fieldArgs),
    "__Directive.args": longest(schema.getDirectives().map((d) => d.args.length)),
  };
  sizeCache.set(schema, sizes);
  return sizes;
}
