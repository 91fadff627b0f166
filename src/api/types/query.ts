// Queries: one run, runs newest first (filterable, paged), the active ones.
import { GraphQLError } from "../graphql.js";
import type { RunRecord } from "../../engine/store.js";
import { builder } from "../builder.js";
import { forwardPage, MAX_PAGE_SIZE, pageSize } from "../paging.js";
import { RunStatusEnum } from "./enums.js";
import { storedStatusesFor, type RunState } from "../../core/run-state.js";
import { RunRef } from "./run.js";

const ACTIVE = ["pending", "running", "paused"] as const;
const cursorOf = (r: RunRecord) => `${r.createdAt}:${r.id}`;

function parseRunCursor(after: string): { createdAt: number; id: string } {
  const colon = after.indexOf(":");
  const createdAt = Number(after.slice(0, colon));
  if (colon < 0 || !Number.isSafeInteger(createdAt)) {
    throw new GraphQLError("after is not a valid cursor", { extensions: { code: "BAD_USER_INPUT" } });
  }
  return { createdAt, id: after.slice(colon + 1) };
}

builder.queryFields((t) => ({
  run: t.field({
    type: RunRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.runs.getRun(String(id)),
  }),
  runs: t.connection({
    type: RunRef,
    description: "Newest first",
    args: { status: t.arg({ type: [RunStatusEnum], required: false }) },
    resolve: async (_r, args, ctx) => {
      const n = pageSize(args);
      const wanted = args.status as RunState[] | null | undefined;
      // INTERRUPTED is derived (stored as running or pending): read those, keep the states asked for
      const statuses = wanted ? { statuses: storedStatusesFor(wanted) } : {};
      const keep = (rows: RunRecord[]) => (wanted ? rows.filter((r) => wanted.includes(ctx.runs.engine.runState(r))) : rows);
      if (args.after == null) return forwardPage(keep(await ctx.runs.store.listRuns({ ...statuses, limit: n + 1 })), n, cursorOf, null);
      // the store pages by creation time; runs created in the same millisecond are told apart by id
      const c = parseRunCursor(args.after);
      const rows = keep(await ctx.runs.store.listRuns({ ...statuses, before: c.createdAt + 1, limit: n + 1 + MAX_PAGE_SIZE }));
      const after = rows.filter((r) => r.createdAt < c.createdAt || (r.createdAt === c.createdAt && r.id < c.id));
      return forwardPage(after, n, cursorOf, args.after);
    },
  }),
  activeRuns: t.field({
    type: [RunRef],
    description: "Runs pending, running or paused, newest first",
    resolve: (_r, _a, ctx) => ctx.runs.store.listRuns({ statuses: [...ACTIVE], limit: 1_000 }),
  }),
}));
