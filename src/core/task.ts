// The shapes every layer agrees on: a task as loaded from a source, and a unit
// of a run's plan (what the scheduler orders and an executor runs).

/** A task as Task Master describes it, ids canonical ("3", "3.2", "some-slug"). */
export interface SourceTask {
  id: string;
  title: string;
  description?: string;
  details?: string;
  testStrategy?: string;
  /** Status as the file states it, lower-cased; undefined when absent. */
  status?: string;
  priority?: string;
  /** Canonical ids, resolved by Task Master's rules (may name ids that do not exist). */
  dependencies: string[];
  /** Set on subtasks: the canonical id of the parent task. */
  parentId?: string;
  subtasks: SourceTask[];
  /** Per-task command override (inline definitions only). */
  command?: string;
  /**
   * Top-level tasks of a file whose id or dependencies Task Master's `list`
   * spells otherwise (it compares `String(id)` as written: "03" is not 3 there):
   * those spellings, so readiness agrees with it. Absent when they are the canonical ones.
   */
  asWritten?: { id: string; dependencies: string[] };
}

export interface TaskSource {
  /** Where the tasks came from: a file path, "inline" or "ids". */
  origin: string;
  /** The tag read, when the file is tagged. */
  tag?: string;
  /** File layout: "tagged" | "tag-array" | "legacy" | "bare-list" | "inline". */
  format: string;
  tasks: SourceTask[];
  /** Non-fatal observations (e.g. non-standard status "completed" read as done). */
  warnings: string[];
}

export type UnitKind = "task" | "group";

/** One schedulable unit of a run. `deps` are indexes into the plan's units. */
export interface PlanUnit {
  index: number;
  id: string;
  title: string;
  /** "task" runs a command; "group" is an expanded parent, done when its subtasks are. */
  kind: UnitKind;
  /** The definition handed to executors (CONVEYOR_TASK_JSON) and hashed into the memo key. */
  definition: Record<string, unknown>;
  command?: string;
  deps: number[];
  memoKey: string;
  /** Set when the unit starts settled (e.g. done in the file and not includeDone). */
  initial?: { status: "skipped"; reason: string };
}
