// From `run`'s flags to what a run starts from: the tasks, the selection and the
// options. Shared by `run` and `plan`, so a preview resolves exactly as the run would.
import type { StartRunInput } from "../engine/engine.js";
import { isReadySelection, parseStatusFilter, resolveSelection } from "../core/task-filter.js";
import type { TaskSource } from "../core/task.js";
import { runOptionsFromFlags } from "./run-flags.js";
import { loadInline, loadTasksFile } from "./task-input.js";
import { UsageError } from "./usage-error.js";

/** `run`'s and `plan`'s flags as commander hands them over (camelCase). */
export interface RunFlags extends Record<string, unknown> {
  tasks?: string;
  inline?: string;
  tag?: string;
  select?: string;
  status?: string;
  syncStatus?: boolean;
}

/** The tasks `run` and `plan` read, after the checks that need no file. */
export function loadRunSource(f: RunFlags): TaskSource {
  if ((f.tasks === undefined) === (f.inline === undefined)) {
    throw new UsageError("give the tasks with exactly one of --tasks <tasks.json or project folder> or --inline <json>");
  }
  if (f.syncStatus && f.tasks === undefined) throw new UsageError("--sync-status writes statuses into a tasks file: use --tasks");
  return f.tasks !== undefined ? loadTasksFile(f.tasks, f.tag) : loadInline(f.inline!);
}

/** What a run starts from; throws NothingToRunError when the selection leaves nothing. */
export function runInputFromFlags(f: RunFlags, source: TaskSource): StartRunInput & { source: TaskSource } {
  const statuses = f.status !== undefined ? parseStatusFilter(f.status) : undefined;
  const selection = resolveSelection(source, f.select, statuses);
  const selectionText = [f.select, f.status && `status:${f.status}`].filter(Boolean).join(" ");
  // `ready` tasks may wait for cancelled ones, which only count as satisfied inside the run
  const options = { ...runOptionsFromFlags(f), ...(isReadySelection(f.select) ? { withDependencies: true } : {}) };
  return {
    source,
    ...(selection ? { selection } : {}),
    ...(selectionText ? { selectionText } : {}),
    options,
  };
}
