// Queries: one run, runs newest first (filterable, paged), the active ones.
import { GraphQLError } from "../graphql.js";
import type { RunRecord } from "../../engine/store.js";
import { builder } from "../builder.js";
import type { ApiContext } from "../context.js";
import { forwardPage, MAX_PAGE_SIZE, pageSize, TOTAL_COUNT } from "../paging.js";
import { RunStatusEnum } from "./enums.js";
import { storedStatusesFor, type RunState } from "../../core/run-state.js";
import { RunRef } from "./run.js";

const ACTIVE = ["pending", "running", "paused", "cancelling"] as const;
const cursorOf = (r: RunRecord) => `${r.createdAt}:${r.id}`;

function parseRunCursor(after: string): { createdAt: number; id: string } {
  const colon = after.indexOf(":");
  const createdAt = Number(after.slice(0, colon));
  if (colon < 0 || !Number.isSafeInteger(createdAt)) {
    throw new GraphQLError("after is not a valid cursor", { extensions: { code: "BAD_USER_INPUT" } });
  }
  return { createdAt, id: after.slice(colon + 1) };
}

const QueryRunsConnection = builder.connectionObject(
  {
    type: RunRef,
    name: "QueryRunsConnection",
    fields: (t) => ({ totalCount: t.int({ description: TOTAL_COUNT, resolve: (c) => c.totalCount() }) }),
  },
  { name: "QueryRunsConnectionEdge" },
);

/** Runs in these states; running and pending ones are read to tell the interrupted apart (there are few). */
async function countRuns(ctx: ApiContext, wanted: RunState[] | null | undefined, archived: boolean | undefined): Promise<number> {
  if (!wanted) return ctx.runs.store.countRuns(undefined, archived);
  const derived: RunState[] = ["running", "pending", "interrupted"];
  const plain = storedStatusesFor(wanted.filter((s) => !derived.includes(s)));
  const counted = plain.length > 0 ? await ctx.runs.store.countRuns(plain, archived) : 0;
  // only finished runs are ever archived
  if (!wanted.some((s) => derived.includes(s)) || archived === true) return counted;
  const live = await ctx.runs.store.listRuns({ statuses: ["running", "pending"], limit: 100_000 });
  return counted + live.filter((r) => wanted.includes(ctx.runs.engine.runState(r))).length;
}

builder.queryFields((t) => ({
  run: t.field({
    type: RunRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.runs.getRun(String(id)),
  }),
  runs: t.field({
    type: QueryRunsConnection,
    description: "Newest first. Pages forward (first/after)",
    args: {
      first: t.arg.int(),
      after: t.arg.string(),
      status: t.arg({ type: [RunStatusEnum], required: false }),
      archived: t.arg.boolean({ required: false, description: "true: archived runs only; false: runs not archived only; unset: both" }),
    },
    resolve: async (_r, args, ctx) => {
      const n = pageSize(args);
      const wanted = args.status as RunState[] | null | undefined;
      const archived = args.archived ?? undefined;
      const totalCount = () => countRuns(ctx, wanted, archived);
      // INTERRUPTED is derived (stored as running or pending): read those, keep the states asked for
      const statuses = { ...(wanted ? { statuses: storedStatusesFor(wanted) } : {}), ...(archived !== undefined ? { archived } : {}) };
      const keep = (rows: RunRecord[]) => (wanted ? rows.filter((r) => wanted.includes(ctx.runs.engine.runState(r))) : rows);
      if (args.after == null)
        return { ...forwardPage(keep(await ctx.runs.store.listRuns({ ...statuses, limit: n + 1 })), n, cursorOf, null), totalCount };
      // the store pages by creation time; runs created in the same millisecond are told apart by id
      const c = parseRunCursor(args.after);
      const rows = keep(await ctx.runs.store.listRuns({ ...statuses, before: c.createdAt + 1, limit: n + 1 + MAX_PAGE_SIZE }));
      const after = rows.filter((r) => r.createdAt < c.createdAt || (r.createdAt === c.createdAt && r.id < c.id));
      return { ...forwardPage(after, n, cursorOf, args.after), totalCount };
    },
  }),
  activeRuns: t.field({
    type: [RunRef],
    description: "Runs pending, running, paused or cancelling, newest first",
    resolve: (_r, _a, ctx) => ctx.runs.store.listRuns({ statuses: [...ACTIVE], limit: 1_000 }),
  }),
}));
