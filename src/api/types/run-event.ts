// One durable, sequenced fact about a run (what runEvents streams).
import type { RunEvent } from "../../engine/ports.js";
import { builder } from "../builder.js";

export const RunEventRef = builder.objectRef<RunEvent>("RunEvent").implement({
  fields: (t) => ({
    runId: t.exposeString("runId"),
    seq: t.exposeInt("seq", { description: "1, 2, 3, ... per run, without gaps" }),
    type: t.exposeString("type", { description: "run.started, task.succeeded, run.finished, ..." }),
    taskId: t.string({ nullable: true, resolve: (e) => e.taskId ?? null }),
    data: t.field({ type: "JSON", resolve: (e) => e.data }),
    at: t.field({ type: "DateTime", resolve: (e) => e.at }),
  }),
});
