// What mutations return on success.
import type { CheckpointRecord, RunRecord } from "../../engine/store.js";
import { builder } from "../builder.js";
import { CheckpointRef } from "./checkpoint.js";
import { RunRef } from "./run.js";

export const StartRunPayload = builder.objectRef<{ run: RunRecord; warnings: string[] }>("StartRunPayload").implement({
  fields: (t) => ({
    run: t.field({ type: RunRef, resolve: (p) => p.run }),
    warnings: t.exposeStringList("warnings"),
  }),
});

export const RunPayload = builder.objectRef<{ run: RunRecord }>("RunPayload").implement({
  fields: (t) => ({ run: t.field({ type: RunRef, resolve: (p) => p.run }) }),
});

export const CheckpointPayload = builder.objectRef<{ run: RunRecord; checkpoint: CheckpointRecord }>("CheckpointPayload").implement({
  fields: (t) => ({
    run: t.field({ type: RunRef, resolve: (p) => p.run }),
    checkpoint: t.field({ type: CheckpointRef, resolve: (p) => p.checkpoint }),
  }),
});
