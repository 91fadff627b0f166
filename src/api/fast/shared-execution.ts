// Subscription payloads executed once for everyone who asked the same thing.
// A subscription event is executed per subscriber by default: 1,000 subscribers
// of a run meant 1,000 executions of the same selection set on the same event
// object. For root fields marked `sharedPayload` (whose result depends only on
// the payload, the selection and its variables, never on who asks: scopes are
// checked once, at subscribe), the result is kept per payload object and per
// (document, operation, variables of the selection) and handed to every such
// subscriber. Payloads are shared objects (run-event-feed.ts, progress-hub.ts,
// the bus), so this holds exactly while they live. Their data is serialized once
// too, for transports that can splice it in (ws.ts). Payloads a source has at
// hand are executed a page at a time (pages.ts); those read for one subscriber
// alone (history from the database) are executed and kept for no one else.
import type { DocumentNode, ExecutionArgs, ExecutionResult, FieldNode, OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { createSourceEventStream, execute, getOperationAST, Kind, locatedError, print, visit } from "../graphql.js";
import type { ApiContext } from "../context.js";
import { NONE_READY, readyItemsOf } from "../live/ready-items.js";
import { executeAll, MAX_PAGE, pagedDocument, pageResult, takesPages } from "./pages.js";

type Result = ExecutionResult | Promise<ExecutionResult>;

/** The data of error-free shared results, and their JSON once someone asked for it. */
const sharedData = new WeakMap<object, string | null>();
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

const responseName = (field: FieldNode) => field.alias?.value ?? field.name.value;

/** Awaits only when one is a promise: an await each would cost a microtask per event. */
const settled = (rs: Result[]): ExecutionResult[] | Promise<ExecutionResult[]> =>
  rs.some((r) => r instanceof Promise) ? Promise.all(rs) : (rs as ExecutionResult[]);

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

  /** A page of payloads others get too: those not executed yet executed in one go, every result kept for them. */
  const sharedPage = async (
    args: ExecutionArgs,
    key: string,
    root: SharedRoot,
    payloads: readonly unknown[],
    asPage: boolean,
  ): Promise<ExecutionResult | ExecutionResult[]> => {
    const fresh = payloads.filter((p): p is object => typeof p === "object" && p !== null && !results.get(p)?.has(key));
    if (root.paged && fresh.length > 1) {
      const name = responseName(root.field);
      const list = await executeAll(args, root.paged, name, fresh);
      if (list) fresh.forEach((p, i) => keep(p, key, markShared({ data: { [name]: list[i] } })));
    }
    const page = await settled(payloads.map((p) => executeShared(args, key, p)));
    return asPage && page.every((r) => !r.errors && r.data && sharedData.has(r.data))
      ? pageResult(page.map((r) => sharedJson(r.data)!))
      : page;
  };

  /** A page of payloads read for this subscriber alone: executed in one go, kept for no one. */
  const ownPage = async (
    args: ExecutionArgs,
    root: SharedRoot,
    payloads: readonly unknown[],
    asPage: boolean,
  ): Promise<ExecutionResult | ExecutionResult[]> => {
    const name = responseName(root.field);
    const list = root.paged ? await executeAll(args, root.paged, name, payloads) : null;
    if (!list) return settled(payloads.map((p) => execute({ ...args, rootValue: p })));
    if (!asPage) return list.map((d) => ({ data: { [name]: d } }));
    const head = `{${JSON.stringify(name)}:`;
    return pageResult(list.map((d) => `${head}${JSON.stringify(d)}}`));
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
        const asPage = takesPages(a.contextValue);
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
              const ready = takeReady?.(MAX_PAGE - 1) ?? NONE_READY;
              if (ready.items.length === 0) return { value: await executeShared(a, key, n.value), done: false };
              const payloads = [n.value, ...ready.items];
              const page = ready.shared ? await sharedPage(a, key, root, payloads, asPage) : await ownPage(a, root, payloads, asPage);
              if (!Array.isArray(page)) return { value: page, done: false };
              ahead = page;
              at = 1;
              return { value: page[0]!, done: false };
            } catch (err) {
              // one last result carrying the error, so that masking sees it; then the end
              failed = true;
              return { value: { errors: [locatedError(err, [root.field], [responseName(root.field)])] }, done: false };
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
