// Expected failures as types: every one implements the ApiError interface (message,
// code; not "Error", which generated TypeScript would shadow JavaScript's Error with) and adds the data that explains it. Resolvers just throw the domain's
// errors; plugin-errors turns the listed classes into union members.
import {
  CheckpointNotFoundError,
  ConveyorError,
  DependencyCycleError,
  DuplicateTaskIdError,
  EmptySelectionError,
  InvalidOptionError,
  InvalidSelectionError,
  InvalidTaskFileError,
  InvalidTransitionError,
  MissingDependencyError,
  RunNotFoundError,
  StoreLockedError,
  SubtaskSelectionError,
  TaskNotFoundError,
  UnknownTagError,
  UnknownTasksError,
  UnsatisfiedDependencyError,
} from "../../core/errors.js";
import { brief } from "../../core/text-guard.js";
import { builder } from "../builder.js";

/** StartRunInput's own fields; any other field an InvalidInput names is one of its options. */
const START_INPUT_FIELDS = new Set(["tasksFile", "tag", "inline", "selection", "taskIds", "options", "source"]);
const inputPath = (field: string) => {
  const path = field.split(".");
  return START_INPUT_FIELDS.has(path[0]!) ? path : ["options", ...path];
};

const briefList = (items: string[]) => items.map((i) => brief(i, 120));

export const ErrorInterface = builder.interfaceRef<ConveyorError>("ApiError").implement({
  fields: (t) => ({
    // cut: an error names its input once and briefly, however long the input was
    message: t.string({ resolve: (e) => brief(e.message, 300) }),
    code: t.exposeString("code"),
  }),
});

const DependencyEdge = builder.objectRef<{ task: string; dependency: string }>("DependencyEdge").implement({
  fields: (t) => ({ task: t.exposeString("task"), dependency: t.exposeString("dependency") }),
});

const base = { interfaces: [ErrorInterface] };

builder.objectType(InvalidSelectionError, {
  ...base,
  name: "InvalidSelection",
  description: "The selection cannot be understood; `part` is the offending piece",
  fields: (t) => ({ part: t.string({ resolve: (e) => brief(e.part, 120) }) }),
});
builder.objectType(EmptySelectionError, { ...base, name: "EmptySelection", fields: () => ({}) });
builder.objectType(SubtaskSelectionError, {
  ...base,
  name: "SubtaskSelection",
  fields: (t) => ({ ids: t.stringList({ resolve: (e) => briefList(e.ids) }) }),
});
builder.objectType(UnknownTasksError, {
  ...base,
  name: "UnknownTasks",
  fields: (t) => ({ ids: t.stringList({ resolve: (e) => briefList(e.ids) }) }),
});
builder.objectType(DependencyCycleError, {
  ...base,
  name: "DependencyCycle",
  fields: (t) => ({ cycle: t.stringList({ resolve: (e) => briefList(e.cycle) }) }),
});
builder.objectType(MissingDependencyError, {
  ...base,
  name: "MissingDependency",
  fields: (t) => ({ missing: t.field({ type: [DependencyEdge], resolve: (e) => e.missing }) }),
});
builder.objectType(UnsatisfiedDependencyError, {
  ...base,
  name: "UnsatisfiedDependency",
  fields: (t) => ({ missing: t.field({ type: [DependencyEdge], resolve: (e) => e.missing }) }),
});
builder.objectType(DuplicateTaskIdError, {
  ...base,
  name: "DuplicateTaskId",
  fields: (t) => ({ ids: t.stringList({ resolve: (e) => briefList(e.ids) }) }),
});
builder.objectType(InvalidTaskFileError, {
  ...base,
  name: "InvalidTaskFile",
  fields: (t) => ({
    file: t.string({ nullable: true, resolve: (e) => e.file ?? null }),
    path: t.string({ nullable: true, resolve: (e) => e.path ?? null }),
  }),
});
builder.objectType(UnknownTagError, {
  ...base,
  name: "UnknownTag",
  fields: (t) => ({ tag: t.exposeString("tag"), available: t.exposeStringList("available") }),
});
builder.objectType(InvalidOptionError, {
  ...base,
  name: "InvalidInput",
  description: "Input validation failed; `path` locates the field (e.g. options.retry.retryLimit)",
  fields: (t) => ({
    field: t.exposeString("field"),
    path: t.stringList({ resolve: (e) => inputPath(e.field) }),
  }),
});
builder.objectType(RunNotFoundError, { ...base, name: "RunNotFound", fields: (t) => ({ runId: t.exposeID("runId") }) });
builder.objectType(TaskNotFoundError, {
  ...base,
  name: "TaskNotFound",
  fields: (t) => ({ runId: t.exposeID("runId"), taskId: t.exposeString("taskId") }),
});
builder.objectType(InvalidTransitionError, {
  ...base,
  name: "InvalidTransition",
  description: "The current status does not allow this (e.g. resuming a succeeded run)",
  fields: (t) => ({ subject: t.exposeString("subject"), from: t.exposeString("from"), action: t.exposeString("action") }),
});
builder.objectType(CheckpointNotFoundError, {
  ...base,
  name: "CheckpointNotFound",
  fields: (t) => ({ runId: t.exposeID("runId"), checkpointId: t.exposeString("checkpointId") }),
});
builder.objectType(StoreLockedError, { ...base, name: "RunBusy", description: "Another process drives the run", fields: () => ({}) });

/** What starting a run can fail with. */
export const START_ERRORS = [
  InvalidSelectionError,
  EmptySelectionError,
  SubtaskSelectionError,
  UnknownTasksError,
  DependencyCycleError,
  MissingDependencyError,
  UnsatisfiedDependencyError,
  DuplicateTaskIdError,
  InvalidTaskFileError,
  UnknownTagError,
  InvalidOptionError,
  InvalidTransitionError,
];

/** What steering an existing run can fail with. */
export const CONTROL_ERRORS = [RunNotFoundError, InvalidTransitionError, StoreLockedError];
export const TASK_ERRORS = [...CONTROL_ERRORS, TaskNotFoundError];
export const RESUME_ERRORS = [...CONTROL_ERRORS, CheckpointNotFoundError];
