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
import type { DocumentNode, ExecutionArgs, ExecutionResult, FieldNode, OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { createSourceEventStream, execute, getOperationAST, Kind, locatedError, print, visit } from "../graphql.js";
import type { ApiContext } from "../context.js";

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

/** The root field, when the operation is a subscription of one plain field marked `sharedPayload`. */
function sharedRootField(args: ExecutionArgs): { op: OperationDefinitionNode; field: FieldNode } | null {
  const op = getOperationAST(args.document, args.operationName ?? undefined);
  const field = op?.selectionSet.selections[0];
  if (op?.operation !== "subscription" || op.selectionSet.selections.length !== 1 || field?.kind !== Kind.FIELD) return null;
  const def = args.schema.getSubscriptionType()?.getFields()[field.name.value];
  return def?.extensions?.sharedPayload === true ? { op, field } : null;
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
  const executeShared = (args: ExecutionArgs, key: string, payload: unknown): Result => {
    if (typeof payload !== "object" || payload === null) return execute({ ...args, rootValue: payload });
    let byKey = results.get(payload);
    if (!byKey) results.set(payload, (byKey = new Map()));
    let r = byKey.get(key);
    if (!r) {
      const done = execute({ ...args, rootValue: payload });
      byKey.set(key, (r = done instanceof Promise ? done.then(markShared) : markShared(done)));
    }
    return r;
  };

  return {
    onSubscribe({ args, setSubscribeFn }) {
      const root = sharedRootField(args);
      if (!root) return;
      setSubscribeFn(async (a: ExecutionArgs) => {
        const source = await createSourceEventStream(a);
        if (!(Symbol.asyncIterator in source)) return source;
        const key = resultKey(a.document, root.op, root.field, a.variableValues ?? {});
        const it = source[Symbol.asyncIterator]();
        let failed = false;
        const mapped: AsyncIterableIterator<ExecutionResult> = {
          [Symbol.asyncIterator]: () => mapped,
          next: async () => {
            if (failed) return { value: undefined, done: true };
            try {
              const n = await it.next();
              return n.done ? n : { value: await executeShared(a, key, n.value), done: false };
            } catch (err) {
              // one last result carrying the error, so that masking sees it; then the end
              failed = true;
              const name = root.field.alias?.value ?? root.field.name.value;
              return { value: { errors: [locatedError(err, [root.field], [name])] }, done: false };
            }
          },
          return: async () => {
            await it.return?.();
            return { value: undefined, done: true };
          },
        };
        return mapped;
      });
    },
  };
}
