// What an event says, typed per event type (RunEvent.payload): the same facts as
// its raw `data`, which stays for clients that read it as JSON.
import type { RunEvent } from "../../engine/ports.js";
import { builder } from "../builder.js";
import { RunStatusEnum } from "./enums.js";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type Fields = PothosSchemaTypes.ObjectFieldBuilder<Types, RunEvent>;
const d = (e: RunEvent) => e.data as Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : null);
const num = (v: unknown) => (typeof v === "number" ? v : null);
const bool = (v: unknown) => v === true;

/** Facts of an attempt's end, shared by the task events that follow one. */
const attemptFields = (t: Fields) => ({
  attempt: t.int({ nullable: true, resolve: (e) => num(d(e).attempt) }),
  durationMs: t.float({ nullable: true, resolve: (e) => num(d(e).durationMs) }),
  exitCode: t.int({ nullable: true, resolve: (e) => num(d(e).exitCode) }),
});

const reason = (t: Fields) => t.string({ nullable: true, resolve: (e) => str(d(e).reason) });

const TYPES: [eventType: string, name: string, description: string, fields: (t: Fields) => object][] = [
  ["run.started", "RunStarted", "The run began to be driven: started, recovered after a crash, or amended by hand", (t) => ({
    mode: t.string({ description: "start, recover or amend", resolve: (e) => str(d(e).mode) ?? "start" }),
    total: t.int({ resolve: (e) => num(d(e).total) ?? 0 }),
  })],
  ["run.resumed", "RunResumed", "The run goes on after a pause or after it settled (resumeRun); one event per resume", (t) => ({
    total: t.int({ nullable: true, resolve: (e) => num(d(e).total) }),
    checkpointId: t.id({ nullable: true, description: "The checkpoint it went back to, if any (raw id)", resolve: (e) => str(d(e).checkpointId) }),
  })],
  ["run.paused", "RunPaused", "Nothing new starts; running tasks finish", (t) => ({
    running: t.int({ resolve: (e) => num(d(e).running) ?? 0 }),
  })],
  ["run.cancelling", "RunCancelling", "Cancel asked: the run is CANCELLING until its running tasks have stopped", (t) => ({ reason: reason(t) })],
  ["run.timing_out", "RunTimingOut", "The run's time limit passed: its running tasks are being stopped", (t) => ({ reason: reason(t) })],
  ["run.finished", "RunFinished", "The run settled; its last event unless it is resumed", (t) => ({
    status: t.field({ type: RunStatusEnum, resolve: (e) => String(d(e).status) }),
    reason: reason(t),
    total: t.int({ nullable: true, resolve: (e) => num(d(e).total) }),
    succeeded: t.int({ nullable: true, resolve: (e) => num(d(e).succeeded) }),
    failed: t.int({ nullable: true, resolve: (e) => num(d(e).failed) }),
    skipped: t.int({ nullable: true, resolve: (e) => num(d(e).skipped) }),
    cancelled: t.int({ nullable: true, resolve: (e) => num(d(e).cancelled) }),
  })],
  ["run.checkpoint", "RunCheckpointed", "A checkpoint was taken", (t) => ({
    checkpointId: t.id({ description: "Its raw id (resumeRun takes it, or Checkpoint.id)", resolve: (e) => str(d(e).id) ?? "" }),
    reason: t.string({ resolve: (e) => str(d(e).reason) ?? "" }),
  })],
  ["task.started", "TaskStarted", "An attempt of the task started", (t) => ({
    attempt: t.int({ resolve: (e) => num(d(e).attempt) ?? 1 }),
  })],
  ["task.progress", "TaskProgressed", "The task reported progress", (t) => ({
    progress: t.float({ description: "0..1", resolve: (e) => num(d(e).progress) ?? 0 }),
    message: t.string({ nullable: true, resolve: (e) => str(d(e).message) }),
  })],
  ["task.succeeded", "TaskSucceeded", "The task succeeded (or was marked done by hand, or is a group whose subtasks did)", (t) => ({
    ...attemptFields(t),
    byHand: t.boolean({ resolve: (e) => bool(d(e).byHand) }),
    group: t.boolean({ resolve: (e) => bool(d(e).group) }),
  })],
  ["task.memoized", "TaskMemoized", "The task succeeded from the memo cache, running nothing", (t) => ({
    memoized: t.boolean({ resolve: () => true }),
  })],
  ["task.retrying", "TaskRetrying", "An attempt failed; the task runs again after a delay", (t) => ({
    ...attemptFields(t),
    error: t.string({ nullable: true, resolve: (e) => str(d(e).error) }),
    delayMs: t.float({ nullable: true, resolve: (e) => num(d(e).delayMs) }),
  })],
  ["task.failed", "TaskFailed", "The task failed for good", (t) => ({
    ...attemptFields(t),
    error: t.string({ nullable: true, resolve: (e) => str(d(e).error) }),
    final: t.string({ nullable: true, description: "Why it is not retried", resolve: (e) => str(d(e).final) }),
  })],
  ["task.skipped", "TaskSkipped", "The task was skipped: a dependency failed, or it was marked skipped by hand", (t) => ({
    reason: reason(t),
    dependency: t.string({ nullable: true, description: "The failed dependency", resolve: (e) => str(d(e).dependency) }),
    byHand: t.boolean({ resolve: (e) => bool(d(e).byHand) }),
  })],
  ["task.cancelled", "TaskCancelled", "The task was cancelled (the run was cancelled or timed out)", (t) => ({
    ...attemptFields(t),
    reason: reason(t),
  })],
  ["task.reopened", "TaskReopened", "A failed or cancelled task goes back to pending (retryTask), with these dependents", (t) => ({
    reopened: t.stringList({ resolve: (e) => (Array.isArray(d(e).reopened) ? (d(e).reopened as unknown[]).map(String) : []) }),
  })],
];

const byType = new Map(
  TYPES.map(([type, name, description, fields]) => [type, builder.objectRef<RunEvent>(name).implement({ description, fields: fields as never })]),
);

const OtherEvent = builder.objectRef<RunEvent>("OtherEvent").implement({
  description: "An event of a type this schema does not describe (read `type` and `data`)",
  fields: (t) => ({ type: t.exposeString("type") }),
});

export const RunEventPayload = builder.unionType("RunEventPayload", {
  description: "An event's facts, one type per event type (`__typename` tells which)",
  types: [...byType.values(), OtherEvent],
  resolveType: (e) => byType.get(e.type) ?? OtherEvent,
});
