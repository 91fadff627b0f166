// Pages of subscription payloads. When a subscription's source has more payloads
// at hand (live/ready-items.ts: the rest of a page of history read from the
// database, or of a slice of a run's feed), they are taken at once and executed
// in one go, through the field the root field names as `pagedBy` (same
// arguments, a list of its type, resolving a list of payloads to itself): one
// execution per page instead of one per event. A page with errors is executed
// payload by payload instead, so that errors and nulls are exactly what one
// execution each gives. A transport that sends a page as one message per result
// (ws-frames.ts, marked by sendsPages) gets it as one result holding the JSON of
// each; any other gets the results one by one.
import type { DocumentNode, ExecutionArgs, ExecutionResult, FieldNode, OperationDefinitionNode } from "graphql";
import { execute, Kind } from "../graphql.js";

/** Payloads taken at once from a source, at most. */
export const MAX_PAGE = 512;

/** The data of page results: the JSON of each result's data, in order. */
const pageData = new WeakMap<object, readonly string[]>();
/** Contexts whose transport sends a page result as one message per result. */
const pageSenders = new WeakSet<object>();

/** Marks a subscription's context: its transport splits page results (ws-frames.ts). */
export function sendsPages(contextValue: object): void {
  pageSenders.add(contextValue);
}

export function takesPages(contextValue: unknown): boolean {
  return typeof contextValue === "object" && contextValue !== null && pageSenders.has(contextValue);
}

/** The JSON of each result a page result stands for, in order; undefined for any other value. */
export function pageJson(value: unknown): readonly string[] | undefined {
  return typeof value === "object" && value !== null ? pageData.get(value) : undefined;
}

/** One result standing for results whose data have these JSONs. */
export function pageResult(jsons: readonly string[]): ExecutionResult {
  const data = {};
  pageData.set(data, jsons);
  return { data };
}

/** `document` with its root field replaced by `pagedBy`, under the same response name and arguments. */
export function pagedDocument(document: DocumentNode, op: OperationDefinitionNode, field: FieldNode, pagedBy: string): DocumentNode {
  const paged: FieldNode = { ...field, alias: field.alias ?? field.name, name: { kind: Kind.NAME, value: pagedBy } };
  const pagedOp: OperationDefinitionNode = { ...op, selectionSet: { ...op.selectionSet, selections: [paged] } };
  return { ...document, definitions: document.definitions.map((d) => (d === op ? pagedOp : d)) };
}

/** The data under `name` of each payload, executed in one go through `paged`; null when that has errors. */
export async function executeAll(
  args: ExecutionArgs,
  paged: DocumentNode,
  name: string,
  payloads: readonly unknown[],
): Promise<unknown[] | null> {
  const page = await execute({ ...args, document: paged, rootValue: payloads });
  const list = page.errors ? undefined : page.data?.[name];
  return Array.isArray(list) && list.length === payloads.length ? list : null;
}
