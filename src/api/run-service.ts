// The operations GraphQL and REST share: turning a request into a started run
// (source, selection, options) and steering runs, all through the engine.
import { InvalidOptionError } from "../core/errors.js";
import { parseSelection } from "../core/selection.js";
import type { TaskSource } from "../core/task.js";
import { inlineSource } from "../core/taskmaster/index.js";
import { loadTasksFile } from "../cli/task-input.js";
import { UsageError } from "../cli/usage-error.js";
import type { Engine, StartedRun } from "../engine/engine.js";
import type { RunStore } from "../engine/store.js";

export interface StartRunRequest {
  /** A tasks.json (or project folder) on the server. */
  tasksFile?: string;
  tag?: string;
  /** Inline task definitions or bare ids. */
  inline?: unknown;
  /** A range spec ("1-5,8") or a JSON array text. */
  selection?: string;
  /** Explicit ids. */
  taskIds?: (string | number)[];
  options?: Record<string, unknown>;
}

export class RunService {
  constructor(readonly engine: Engine) {}

  get store(): RunStore {
    return this.engine.store;
  }

  async startRun(req: StartRunRequest): Promise<StartedRun> {
    const source = this.source(req);
    if (req.selection !== undefined && req.taskIds !== undefined) {
      throw new InvalidOptionError("selection", "give either selection or taskIds, not both");
    }
    const selection =
      req.selection !== undefined ? parseSelection(req.selection) : req.taskIds !== undefined ? parseSelection(req.taskIds) : undefined;
    const selectionText = req.selection ?? (req.taskIds ? JSON.stringify(req.taskIds) : undefined);
    return this.engine.startRun({
      source,
      ...(selection ? { selection } : {}),
      ...(selectionText !== undefined ? { selectionText } : {}),
      options: req.options ?? {},
    });
  }

  private source(req: StartRunRequest): TaskSource {
    if ((req.tasksFile === undefined) === (req.inline === undefined)) {
      throw new InvalidOptionError("source", "give exactly one of tasksFile or inline");
    }
    if (req.inline !== undefined) {
      if (!Array.isArray(req.inline)) throw new InvalidOptionError("inline", "must be an array of task definitions or ids");
      return inlineSource(req.inline);
    }
    try {
      return loadTasksFile(req.tasksFile!, req.tag);
    } catch (err) {
      // the CLI's file errors are usage errors; here they are input errors on a field
      if (err instanceof UsageError) throw new InvalidOptionError("tasksFile", err.message.replace(/^--tasks: /, ""));
      throw err;
    }
  }
}

/** GraphQL sends null for absent optional fields; the options schema wants them absent. */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
  }
  return value;
}
