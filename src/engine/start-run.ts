// What starting a run takes and gives back: shared by the engine, the planning of
// a new run and its preview (a file of its own, so none of them imports the engine).
import type { RunOptionsInput } from "../core/run-options.js";
import type { TaskSource } from "../core/task.js";

export interface StartRunInput {
  source: TaskSource;
  /** Canonical ids; undefined runs every task. */
  selection?: string[];
  /** The selection as the user wrote it, kept with the run. */
  selectionText?: string;
  options?: RunOptionsInput;
  /** The caller's W3C traceparent (an API request's header): the run's trace continues it. */
  traceparent?: string;
}

export interface StartedRun {
  runId: string;
  total: number;
  warnings: string[];
}
