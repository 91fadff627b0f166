// From `run`'s flags to the one start request every client makes
// (taskmaster-sync/start-request.ts), and from it to what a run starts from.
// Shared by `run` and `plan`, so a preview resolves exactly as the run would.
// Errors name the flag the user typed, not the request's field.
import { InvalidOptionError } from "../core/errors.js";
import type { TaskSource } from "../core/task.js";
import { parseStatusFilter } from "../core/task-filter.js";
import type { StartRunInput } from "../engine/engine.js";
import { startInputFor, startSource, type StartRunRequest } from "../taskmaster-sync/start-request.js";
import { runOptionsFromFlags } from "./run-flags.js";
import { parseInlineFlag } from "./task-input.js";
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

/** The flag each field of the request comes from. */
const FLAG_OF: Record<string, string> = { source: "--tasks or --inline", tasksFile: "--tasks", inline: "--inline", selection: "--select" };

/** The start request the flags make, after the checks that need no file. */
export function startRequestFromFlags(f: RunFlags): StartRunRequest {
  if ((f.tasks === undefined) === (f.inline === undefined)) {
    throw new UsageError("give the tasks with exactly one of --tasks <tasks.json or project folder> or --inline <json>");
  }
  if (f.syncStatus && f.tasks === undefined) throw new UsageError("--sync-status writes statuses into a tasks file: use --tasks");
  return {
    ...(f.tasks !== undefined ? { tasksFile: f.tasks } : { inline: parseInlineFlag(f.inline!) }),
    ...(f.tag !== undefined ? { tag: f.tag } : {}),
    ...(f.select !== undefined ? { selection: f.select } : {}),
    ...(f.status !== undefined ? { statuses: parseStatusFilter(f.status) } : {}),
    options: runOptionsFromFlags(f),
  };
}

/** The tasks the request names. */
export function loadRunSource(req: StartRunRequest): TaskSource {
  return inFlagWords(() => startSource(req, undefined));
}

/** What a run starts from; throws NothingToRunError when the selection leaves nothing. */
export function runInputFor(req: StartRunRequest, source: TaskSource): StartRunInput & { source: TaskSource } {
  return { ...inFlagWords(() => startInputFor(req, source)), source };
}

function inFlagWords<T>(convert: () => T): T {
  try {
    return convert();
  } catch (err) {
    if (err instanceof InvalidOptionError && FLAG_OF[err.field] !== undefined) {
      throw new UsageError(`${FLAG_OF[err.field]}: ${err.message.slice(err.field.length + 2)}`);
    }
    throw err;
  }
}
