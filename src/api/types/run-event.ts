// One durable, sequenced fact about a run (what runEvents streams).
import type { RunEvent } from "../../engine/ports.js";
import { builder } from "../builder.js";
import { RunEventPayload } from "./run-event-data.js";

export const RunEventRef = builder.objectRef<RunEvent>("RunEvent").implement({
  fields: (t) => ({
    runId: t.exposeID("runId"),
    seq: t.exposeInt("seq", { description: "1, 2, 3, ... per run, without gaps" }),
    type: t.exposeString("type", { description: "run.started, task.succeeded, run.finished, ..." }),
    taskId: t.string({ nullable: true, resolve: (e) => e.taskId ?? null }),
    payload: t.field({ type: RunEventPayload, description: "The event's facts, typed by event type", resolve: (e) => e }),
    data: t.field({ type: "JSON", description: "The same facts as raw JSON, as earlier clients read them", resolve: (e) => e.data }),
    at: t.field({ type: "DateTime", resolve: (e) => e.at }),
  }),
});
