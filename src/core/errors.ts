// Expected failures are typed, named and carry the data that explains them, so
// the CLI, GraphQL and REST layers can render them without parsing messages.
import { listSome } from "./list-text.js";

export abstract class ConveyorError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A selection string or list that cannot be understood; `part` is the offending piece. */
export class InvalidSelectionError extends ConveyorError {
  readonly code = "INVALID_SELECTION";
  constructor(
    message: string,
    readonly part: string,
  ) {
    super(message);
  }
}

/** Selected ids that the source does not contain. */
export class UnknownTasksError extends ConveyorError {
  readonly code = "UNKNOWN_TASKS";
  constructor(readonly ids: string[]) {
    super(`unknown task id${ids.length === 1 ? "" : "s"}: ${listSome(ids)}`);
  }
}

/**
 * Dependencies on ids that exist nowhere in the source; `task` is the task or
 * subtask that carries each one, in Task Master's id form ("29.4").
 */
export class MissingDependencyError extends ConveyorError {
  readonly code = "MISSING_DEPENDENCY";
  constructor(readonly missing: { task: string; dependency: string }[]) {
    super(`dependencies on ids that do not exist: ${describeMissing(missing)}`);
  }
}

/** "29.4 -> 29.1,29.2", with a hint when a comma-joined string is one of them. */
export function describeMissing(missing: readonly { task: string; dependency: string }[]): string {
  const list = listSome(missing.map((m) => `${m.task} -> ${m.dependency}`));
  const joined = missing.some((m) => m.dependency.includes(","));
  return joined ? `${list} (Task Master reads a comma-joined string as one id: write one id per element)` : list;
}

/** Selected tasks depend on tasks outside the selection that are neither done nor cached. */
export class UnsatisfiedDependencyError extends ConveyorError {
  readonly code = "UNSATISFIED_DEPENDENCY";
  constructor(readonly missing: { task: string; dependency: string }[]) {
    super(
      `selected tasks depend on tasks outside the selection that are not done ` +
        `(select them too, or use withDependencies): ${listSome(missing.map((m) => `${m.task} -> ${m.dependency}`))}`,
    );
  }
}

export class DependencyCycleError extends ConveyorError {
  readonly code = "DEPENDENCY_CYCLE";
  constructor(readonly cycle: string[]) {
    super(`dependency cycle: ${[...cycle, cycle[0]].join(" -> ")}`);
  }
}

/** The tasks file cannot be read as Task Master tasks; `path` locates the problem inside it. */
export class InvalidTaskFileError extends ConveyorError {
  readonly code = "INVALID_TASK_FILE";
  constructor(
    message: string,
    readonly file: string | undefined,
    readonly path?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
  }
}

export class UnknownTagError extends ConveyorError {
  readonly code = "UNKNOWN_TAG";
  constructor(
    readonly tag: string,
    readonly available: string[],
  ) {
    super(`tag "${tag}" not found; the file has: ${available.join(", ") || "(no tags)"}`);
  }
}

/** Ids that name more than one task where the run needs to know which one is meant. */
export class DuplicateTaskIdError extends ConveyorError {
  readonly code = "DUPLICATE_TASK_ID";
  constructor(readonly ids: string[]) {
    super(`duplicate task ids: ${listSome(ids)} (each id must name one task to be run or waited for)`);
  }
}

export class EmptySelectionError extends ConveyorError {
  readonly code = "EMPTY_SELECTION";
  constructor(message = "the selection is empty: no tasks to run") {
    super(message);
  }
}

/**
 * Nothing to do, as opposed to a selection that is wrong: no task is ready, no
 * task has the statuses asked for, or the tag has no tasks. `conveyor run`
 * exits 0 on it, so a loop that runs what is ready can tell it from bad input.
 */
export class NothingToRunError extends EmptySelectionError {}

/** A tasks path that is not there, or a folder without a tasks file. */
export class TasksPathError extends ConveyorError {
  readonly code = "TASKS_PATH";
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export class RunNotFoundError extends ConveyorError {
  readonly code = "RUN_NOT_FOUND";
  constructor(readonly runId: string) {
    super(`run not found: ${runId}`);
  }
}

export class TaskNotFoundError extends ConveyorError {
  readonly code = "TASK_NOT_FOUND";
  constructor(
    readonly runId: string,
    readonly taskId: string,
  ) {
    super(`run ${runId} has no task ${taskId}`);
  }
}

/** An operation the current status does not allow (e.g. resuming a succeeded run). */
export class InvalidTransitionError extends ConveyorError {
  readonly code = "INVALID_TRANSITION";
  constructor(
    readonly subject: string,
    readonly from: string,
    readonly action: string,
  ) {
    super(`cannot ${action} ${subject}: it is ${from}`);
  }
}

export class InvalidOptionError extends ConveyorError {
  readonly code = "INVALID_OPTION";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Another process holds the embedded store or the run's lease. */
export class StoreLockedError extends ConveyorError {
  readonly code = "STORE_LOCKED";
  constructor(message: string) {
    super(message);
  }
}

/** The tasks file is not valid JSON; `line`/`column` are 1-based, `offset` 0-based. */
export class TaskFileSyntaxError extends InvalidTaskFileError {
  constructor(
    reason: string,
    file: string | undefined,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(`invalid JSON at line ${line}, column ${column}: ${reason}`, file);
  }
}

/** Subtask ids selected without expandSubtasks, where units are whole top-level tasks. */
export class SubtaskSelectionError extends ConveyorError {
  readonly code = "SUBTASK_SELECTED";
  constructor(readonly ids: string[]) {
    super(
      `subtask${ids.length === 1 ? "" : "s"} ${listSome(ids)} can only be selected with --expand-subtasks (expandSubtasks in the API) ` +
        `(or select the parent task instead)`,
    );
  }
}

export class CheckpointNotFoundError extends ConveyorError {
  readonly code = "CHECKPOINT_NOT_FOUND";
  constructor(
    readonly runId: string,
    readonly checkpointId: string,
  ) {
    super(`run ${runId} has no checkpoint ${checkpointId}`);
  }
}

/**
 * The database stayed unreachable (or unable to write) for longer than the outage budget while
 * a run was being driven: the run stopped here, where it was last recorded, and can be resumed.
 */
export class StoreOutageError extends ConveyorError {
  readonly code = "STORE_OUTAGE";
  constructor(
    readonly runId: string,
    readonly budgetMs: number,
    readonly reason: string,
  ) {
    super(
      `the database was unreachable for over ${Math.round(budgetMs / 1000)} s (${reason}): run ${runId} stopped ` +
        `where it was last recorded; once the database is back, continue it with: conveyor resume ${runId}`,
    );
  }
}

/**
 * The store cannot be opened: a data folder that is a file, read-only or full, a database
 * server that refuses, is missing or does not answer. `setting` names what to change.
 */
export class StoreUnavailableError extends ConveyorError {
  readonly code = "STORE_UNAVAILABLE";
  constructor(
    readonly setting: "CONVEYOR_DATA_DIR" | "DATABASE_URL",
    message: string,
  ) {
    super(message);
  }
}

/** Deleting a run that is not finished: pending, running, paused, or left running by a driver that is gone. */
export class RunNotFinishedError extends InvalidTransitionError {
  constructor(
    readonly runId: string,
    state: string,
  ) {
    super(`run ${runId}`, state, "delete");
    this.message = `cannot delete run ${runId}: it is ${state}; only finished runs can be deleted (cancel it, or let it finish, first)`;
  }
}
