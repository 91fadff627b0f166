// Deleting finished runs: the deleteRun mutation and what it reports.
import type { DeletedRows } from "../../engine/retention-store.js";
import { InvalidTransitionError, RunNotFoundError, StoreLockedError } from "../../core/errors.js";
import { builder } from "../builder.js";

const DeleteRunPayload = builder.objectRef<{ runId: string; rows: DeletedRows }>("DeleteRunPayload").implement({
  description: "The run is gone, with the rows that held it; its memo cache entries stay",
  fields: (t) => ({
    runId: t.id({ resolve: (p) => p.runId }),
    tasks: t.int({ description: "Task rows removed", resolve: (p) => p.rows.taskRuns }),
    attempts: t.int({ description: "Attempt rows removed", resolve: (p) => p.rows.attempts }),
    eventPages: t.int({ description: "Pages of its event log removed", resolve: (p) => p.rows.eventPages }),
    checkpoints: t.int({ description: "Checkpoints removed", resolve: (p) => p.rows.checkpoints }),
  }),
});

builder.mutationFields((t) => ({
  deleteRun: t.field({
    type: DeleteRunPayload,
    description:
      "Delete a finished run and everything stored about it. A run not finished (pending, running, paused, interrupted) is refused",
    errors: { types: [RunNotFoundError, InvalidTransitionError, StoreLockedError] },
    args: { runId: t.arg.id({ required: true }) },
    resolve: async (_r, { runId }, ctx) => ({ runId: String(runId), rows: await ctx.runs.deleteRun(String(runId)) }),
  }),
}));
