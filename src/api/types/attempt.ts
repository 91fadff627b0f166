// One attempt of a task: its outcome, exit code, error and the tail of its output.
import type { AttemptRecord } from "../../engine/store.js";
import { builder } from "../builder.js";
import { AttemptStatusEnum } from "./enums.js";

export const AttemptRef = builder.objectRef<AttemptRecord>("Attempt").implement({
  fields: (t) => ({
    number: t.exposeInt("number"),
    status: t.field({ type: AttemptStatusEnum, resolve: (a) => a.status }),
    exitCode: t.exposeInt("exitCode", { nullable: true }),
    error: t.exposeString("error", { nullable: true }),
    stdoutTail: t.exposeString("stdoutTail", { nullable: true }),
    stderrTail: t.exposeString("stderrTail", { nullable: true }),
    startedAt: t.field({ type: "DateTime", resolve: (a) => a.startedAt }),
    finishedAt: t.field({ type: "DateTime", nullable: true, resolve: (a) => a.finishedAt }),
    durationMs: t.float({ nullable: true, resolve: (a) => (a.finishedAt === null ? null : a.finishedAt - a.startedAt) }),
  }),
});
