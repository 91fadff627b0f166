// Subscription payloads executed once for everyone who asked the same thing.
// A subscription event is executed per subscriber by default: 1,000 subscribers
// of a run meant 1,000 executions of the same selection set on the same event
// object. For root fields marked `sharedPayload` (whose result depends only on
// the payload, the selection and its variables, never on who asks: scopes are
// checked once, at subscribe), the result is kept per payload object and per
// (document, operation, variables of the selection) and handed to every such
// subscriber. Payloads are shared objects (run-event-feed.ts, progress-hub.ts,
// the bus), so this holds exactly while they live. Their data is serialized once
// too, for transports that can splice it in (ws.ts).
//
// Pages: when the source has more payloads at hand (live/ready-items.ts: the rest
// of a page of history read from the database), they are taken at once and those
// not executed yet are executed in one go, through the field named by the root
// field's `pagedBy` (same arguments, a list of its type, resolving a list of
// payloads to itself): one execution per page instead of one per event. A
// transport that sends a page as many messages (ws-frames.ts, marked with
// sendsPages) gets the page as one result; any other gets its results one by one.
import type { DocumentNode, ExecutionArgs, ExecutionResult, FieldNode, OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { createSourceEventStream, execute, getOperationAST, Kind, locatedError, print, visit } from "../graphql.js";
import type { ApiContext } from "../context.js";
import { readyItemsOf } from "../live/ready-items.js";

type Result = ExecutionResult | Promise<ExecutionResult>;

/** The data of error-free shared results, and their JSON once someone asked for it. */
const sharedData = new WeakMap<object, string | null>();
/** The data of page results: the shared data of each of its results, in order. */
const pageData = new WeakMap<object, readonly object[]>();
/** Contexts whose transport sends a page result as one message per result. */
const pageSenders = new WeakSet<object>();
/** Payloads taken at once from a source, at most: a page of history. */
export const MAX_PAGE = 512;

/** Marks a subscription's context: its transport splits page results (ws-frames.ts). */
export function sendsPages(contextValue: object): void {
  pageSenders.add(contextValue);
}

/** The JSON of each result of a page result's data, in order; undefined for any other value. */
export function pageJson(value: unknown): string[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return pageData.get(value)?.map((d) => sharedJson(d)!);
}

/** The JSON of `value` when it is the data of a shared result (serialized once for all); otherwise undefined. */
export function sharedJson(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const json = sharedData.get(value);
  if (json !== null) return json;
  const text = JSON.stringify(value);
  sharedData.set(value, text);
  return text;
}

function markShared(r: ExecutionResult): ExecutionResult {
  if (!r.errors && r.data) sharedData.set(r.data, null);
  return r;
}

interface SharedRoot {
  op: OperationDefinitionNode;
  field: FieldNode;
  /** The document with the root field executed over a list of payloads, when the field has `pagedBy`. */
  paged: DocumentNode | null;
}

/** The root field, when the operation is a subscription of one plain field marked `sharedPayload`. */
function sharedRootField(args: ExecutionArgs): SharedRoot | null {
  const op = getOperationAST(args.document, args.operationName ?? undefined);
  const field = op?.selectionSet.selections[0];
  if (op?.operation !== "subscription" || op.selectionSet.selections.length !== 1 || field?.kind !== Kind.FIELD) return null;
  const fields = args.schema.getSubscriptionType()?.getFields();
  const def = fields?.[field.name.value];
  if (def?.extensions?.sharedPayload !== true) return null;
  const pagedBy = def.extensions.pagedBy;
  return { op, field, paged: typeof pagedBy === "string" && fields?.[pagedBy] ? pagedDocument(args.document, op, field, pagedBy) : null };
}

/** `document` with its root field replaced by `pagedBy`, under the same response name and arguments. */
function pagedDocument(document: DocumentNode, op: OperationDefinitionNode, field: FieldNode, pagedBy: string): DocumentNode {
  const paged: FieldNode = { ...field, alias: field.alias ?? field.name, name: { kind: Kind.NAME, value: pagedBy } };
  const pagedOp: OperationDefinitionNode = { ...op, selectionSet: { ...op.selectionSet, selections: [paged] } };
  return { ...document, definitions: document.definitions.map((d) => (d === op ? pagedOp : d)) };
}

/** What the per-event result depends on: the document and the variables used below the root field (not its arguments). */
function resultKey(document: DocumentNode, op: OperationDefinitionNode, field: FieldNode, variables: Record<string, unknown>): string {
  const used = new Set<string>();
  const collect = { Variable: (v: { name: { value: string } }) => void used.add(v.name.value) };
  if (field.selectionSet) visit(field.selectionSet, collect);
  for (const d of field.directives ?? []) visit(d, collect);
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) visit(d, collect);
  const picked = [...used].sort().map((name) => [name, variables[name]]);
  return `${print(document)}\u0000${op.name?.value ?? ""}\u0000${JSON.stringify(picked)}`;
}

export function useSharedExecution(): Plugin<ApiContext> {
  const results = new WeakMap<object, Map<string, Result>>();
  const keep = (payload: object, key: string, r: Result): Result => {
    let byKey = results.get(payload);
    if (!byKey) results.set(payload, (byKey = new Map()));
    byKey.set(key, r);
    return r;
  };
  const executeShared = (args: ExecutionArgs, key: string, payload: unknown): Result => {
    if (typeof payload !== "object" || payload === null) return execute({ ...args, rootValue: payload });
    const r = results.get(payload)?.get(key);
    if (r) return r;
    const done = execute({ ...args, rootValue: payload });
    return keep(payload, key, done instanceof Promise ? done.then(markShared) : markShared(done));
  };
  /**
   * The result of each payload: those not executed yet executed in one go through
   * the paged document when there is one, each apart when that has errors (an error's
   * path and null propagation are then exactly what one execution each gives).
   */
  const executePage = async (args: ExecutionArgs, key: string, root: SharedRoot, payloads: readonly unknown[]): Promise<ExecutionResult[]> => {
    const fresh = payloads.filter((p): p is object => typeof p === "object" && p !== null && !results.get(p)?.has(key));
    if (root.paged && fresh.length > 1) {
      const name = root.field.alias?.value ?? root.field.name.value;
      const page = await execute({ ...args, document: root.paged, rootValue: fresh });
      const list = page.errors ? undefined : (page.data?.[name] as unknown[] | null | undefined);
      if (Array.isArray(list) && list.length === fresh.length) fresh.forEach((p, i) => keep(p, key, markShared({ data: { [name]: list[i] } })));
    }
    // awaited only when one is a promise: an await each would cost a microtask per event
    const out = payloads.map((p) => executeShared(args, key, p));
    return out.some((r) => r instanceof Promise) ? Promise.all(out) : (out as ExecutionResult[]);
  };

  return {
    onSubscribe({ args, setSubscribeFn }) {
      const asked = sharedRootField(args);
      if (!asked) return;
      setSubscribeFn(async (a: ExecutionArgs) => {
        const root = sharedRootField(a) ?? asked;
        const source = await createSourceEventStream(a);
        if (!(Symbol.asyncIterator in source)) return source;
        const key = resultKey(a.document, root.op, root.field, a.variableValues ?? {});
        const it = source[Symbol.asyncIterator]();
        const takeReady = readyItemsOf<unknown>(it);
        const asPages = pageSenders.has(a.contextValue as object);
        /** Results of payloads taken ahead, given one by one. */
        let ahead: ExecutionResult[] = [];
        let at = 0;
        let failed = false;
        const mapped: AsyncIterableIterator<ExecutionResult> = {
          [Symbol.asyncIterator]: () => mapped,
          next: async () => {
            if (at < ahead.length) return { value: ahead[at++]!, done: false };
            if (failed) return { value: undefined, done: true };
            try {
              const n = await it.next();
              if (n.done) return n;
              const more = takeReady?.(MAX_PAGE - 1) ?? [];
              if (more.length === 0) return { value: await executeShared(a, key, n.value), done: false };
              const page = await executePage(a, key, root, [n.value, ...more]);
              if (asPages && page.every((r) => !r.errors && r.data && sharedData.has(r.data))) {
                const data = {};
                pageData.set(data, page.map((r) => r.data!));
                return { value: { data }, done: false };
              }
              ahead = page;
              at = 1;
              return { value: page[0]!, done: false };
            } catch (err) {
              // one last result carrying the error, so that masking sees it; then the end
              failed = true;
              const name = root.field.alias?.value ?? root.field.name.value;
              return { value: { errors: [locatedError(err, [root.field], [name])] }, done: false };
            }
          },
          return: async () => {
            ahead = [];
            await it.return?.();
            return { value: undefined, done: true };
          },
        };
        return mapped;
      });
    },
  };
}
