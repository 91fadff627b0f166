// A checkpoint: what a run can be resumed from.
import type { CheckpointRecord } from "../../engine/store.js";
import { builder } from "../builder.js";
import { RunStatusEnum } from "./enums.js";

export const CheckpointRef = builder.objectRef<CheckpointRecord>("Checkpoint");

builder.node(CheckpointRef, {
  id: { resolve: (c) => c.id },
  loadOne: (id, ctx) => ctx.runs.store.getCheckpoint(id),
  fields: (t) => ({
    checkpointId: t.exposeString("id", { description: "The raw id, as resumeRun(checkpointId) takes it" }),
    runId: t.exposeID("runId"),
    seq: t.exposeInt("seq", { description: "The run's last event sequence when taken" }),
    reason: t.exposeString("reason"),
    status: t.field({ type: RunStatusEnum, resolve: (c) => c.snapshot.status }),
    settled: t.int({
      resolve: ({ snapshot: { counters: c } }) => c.succeeded + c.failed + c.skipped + c.cancelled,
    }),
    total: t.int({ resolve: (c) => c.snapshot.counters.total }),
    createdAt: t.field({ type: "DateTime", resolve: (c) => c.createdAt }),
  }),
});
