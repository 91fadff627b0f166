// What an event says, typed per event type (RunEvent.payload): the same facts as
// its raw `data`, which stays for clients that read it as JSON. Each type's
// resolvers read its data as the union (core/events.ts) says it is.
import type { RunEvent, RunEventOf, RunEventType } from "../../core/events.js";
import { builder } from "../builder.js";
import { RunStatusEnum } from "./enums.js";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type Fields<K extends RunEventType> = PothosSchemaTypes.ObjectFieldBuilder<Types, RunEventOf<K>>;

/** Facts of an attempt's end, shared by the task events that follow one. */
const attemptFields = <K extends "task.succeeded" | "task.retrying" | "task.failed" | "task.cancelled">(t: Fields<K>) => ({
  attempt: t.int({ nullable: true, resolve: (e) => e.data.attempt ?? null }),
  durationMs: t.float({ nullable: true, resolve: (e) => e.data.durationMs ?? null }),
  exitCode: t.int({ nullable: true, resolve: (e) => e.data.exitCode ?? null }),
});

/** One payload type: its event type, GraphQL name, description and fields over that type's events. */
const payload = <K extends RunEventType>(type: K, name: string, description: string, fields: (t: Fields<K>) => object) =>
  [type, builder.objectRef<RunEventOf<K>>(name).implement({ description, fields: fields as never })] as const;

const TYPES = [
  payload("run.started", "RunStarted", "The run began to be driven: started, recovered after a crash, or amended by hand", (t) => ({
    mode: t.string({ description: "start, recover or amend", resolve: (e) => e.data.mode }),
    total: t.int({ resolve: (e) => e.data.total }),
  })),
  payload("run.resumed", "RunResumed", "The run goes on after a pause or after it settled (resumeRun); one event per resume", (t) => ({
    total: t.int({ nullable: true, resolve: (e) => e.data.total }),
    checkpointId: t.id({
      nullable: true,
      description: "The checkpoint it went back to, if any (raw id)",
      resolve: (e) => e.data.checkpointId,
    }),
  })),
  payload("run.paused", "RunPaused", "Nothing new starts; running tasks finish", (t) => ({
    running: t.int({ resolve: (e) => e.data.running }),
  })),
  payload("run.cancelling", "RunCancelling", "Cancel asked: the run is CANCELLING until its running tasks have stopped", (t) => ({
    reason: t.string({ nullable: true, resolve: (e) => e.data.reason }),
  })),
  payload("run.timing_out", "RunTimingOut", "The run's time limit passed: its running tasks are being stopped", (t) => ({
    reason: t.string({ nullable: true, resolve: (e) => e.data.reason }),
  })),
  payload("run.finished", "RunFinished", "The run settled; its last event unless it is resumed", (t) => ({
    status: t.field({ type: RunStatusEnum, resolve: (e) => e.data.status }),
    reason: t.string({ nullable: true, resolve: (e) => e.data.reason }),
    total: t.int({ nullable: true, resolve: (e) => e.data.total }),
    succeeded: t.int({ nullable: true, resolve: (e) => e.data.succeeded }),
    failed: t.int({ nullable: true, resolve: (e) => e.data.failed }),
    skipped: t.int({ nullable: true, resolve: (e) => e.data.skipped }),
    cancelled: t.int({ nullable: true, resolve: (e) => e.data.cancelled }),
  })),
  payload("run.checkpoint", "RunCheckpointed", "A checkpoint was taken", (t) => ({
    checkpointId: t.id({ description: "Its raw id (resumeRun takes it, or Checkpoint.id)", resolve: (e) => e.data.id }),
    reason: t.string({ resolve: (e) => e.data.reason }),
  })),
  payload("task.started", "TaskStarted", "An attempt of the task started", (t) => ({
    attempt: t.int({ resolve: (e) => e.data.attempt }),
  })),
  payload("task.progress", "TaskProgressed", "The task reported progress", (t) => ({
    progress: t.float({ description: "0..1", resolve: (e) => e.data.progress }),
    message: t.string({ nullable: true, resolve: (e) => e.data.message ?? null }),
  })),
  payload("task.succeeded", "TaskSucceeded", "The task succeeded (or was marked done by hand, or is a group whose subtasks did)", (t) => ({
    ...attemptFields(t),
    byHand: t.boolean({ resolve: (e) => e.data.byHand === true }),
    group: t.boolean({ resolve: (e) => e.data.group === true }),
  })),
  payload("task.memoized", "TaskMemoized", "The task succeeded from the memo cache, running nothing", (t) => ({
    memoized: t.boolean({ resolve: () => true }),
  })),
  payload("task.retrying", "TaskRetrying", "An attempt failed; the task runs again after a delay", (t) => ({
    ...attemptFields(t),
    error: t.string({ nullable: true, resolve: (e) => e.data.error }),
    delayMs: t.float({ nullable: true, resolve: (e) => e.data.delayMs }),
  })),
  payload("task.failed", "TaskFailed", "The task failed for good", (t) => ({
    ...attemptFields(t),
    error: t.string({ nullable: true, resolve: (e) => e.data.error }),
    final: t.string({ nullable: true, description: "Why it is not retried", resolve: (e) => e.data.final }),
  })),
  payload("task.skipped", "TaskSkipped", "The task was skipped: a dependency failed, or it was marked skipped by hand", (t) => ({
    reason: t.string({ nullable: true, resolve: (e) => e.data.reason ?? null }),
    dependency: t.string({ nullable: true, description: "The failed dependency", resolve: (e) => e.data.dependency ?? null }),
    byHand: t.boolean({ resolve: (e) => e.data.byHand === true }),
  })),
  payload("task.cancelled", "TaskCancelled", "The task was cancelled (the run was cancelled or timed out)", (t) => ({
    ...attemptFields(t),
    reason: t.string({ nullable: true, resolve: (e) => e.data.reason }),
  })),
  payload("task.reopened", "TaskReopened", "A failed or cancelled task goes back to pending (retryTask), with these dependents", (t) => ({
    reopened: t.stringList({ resolve: (e) => e.data.reopened }),
  })),
];

/** Each payload type by its event type. */
const byType = new Map<string, (typeof TYPES)[number][1]>(TYPES);
// a type of the union without its payload type here fails to compile
const everyType: Exclude<RunEventType, (typeof TYPES)[number][0]> extends never ? true : never = true;
void everyType;

const OtherEvent = builder.objectRef<RunEvent>("OtherEvent").implement({
  description: "An event of a type this schema does not describe (read `type` and `data`)",
  fields: (t) => ({ type: t.exposeString("type") }),
});

export const RunEventPayload = builder.unionType("RunEventPayload", {
  description: "An event's facts, one type per event type (`__typename` tells which)",
  types: [...byType.values(), OtherEvent],
  resolveType: (e) => byType.get(e.type) ?? OtherEvent,
});

/** The event types the schema names (a test checks it is every type of the union). */
export const PAYLOAD_EVENT_TYPES: readonly string[] = [...byType.keys()];
