// A start request, as every client makes it (GraphQL, REST and the CLI), and its
// one conversion into what the engine starts from. The clients differ only in
// how they spell it: GraphQL drops its nulls (api/start-request.ts), REST renames
// its wire keys (api/rest/start-request.ts), the CLI maps its flags
// (cli/run-input.ts) and names them in errors. The tasks file is read here, with
// the Task Master code, and Task Master's selection words (`ready`, `all`, a status
// filter) mean the same wherever a run is started.
import { InvalidOptionError, TasksPathError } from "../core/errors.js";
import type { TaskSource } from "../core/task.js";
import { isReadySelection, resolveSelection } from "../core/task-filter.js";
import { inlineSource } from "../core/taskmaster/index.js";
import type { StartRunInput } from "../engine/start-run.js";
import { readTasksFile } from "./tasks-file.js";

export interface StartRunRequest {
  /** A tasks.json (or project folder) on the server. */
  tasksFile?: string;
  tag?: string;
  /** Inline task definitions or bare ids. */
  inline?: unknown;
  /** A range spec ("1-5,8"), a JSON array text, or `ready` / `all`. */
  selection?: string;
  /** Explicit ids. */
  taskIds?: (string | number)[];
  /** Keep only top-level tasks whose status in the file is one of these (Task Master's words). */
  statuses?: string[];
  options?: Record<string, unknown>;
}

/** The field of a request an error names, so each client can say it in its own words. */
export type StartRequestField = "source" | "tasksFile" | "inline" | "selection";

/** The tasks a request names. `defaultTasksFile`: the server's own Task Master project, read when a request names none. */
export function startSource(req: StartRunRequest, defaultTasksFile: string | undefined): TaskSource {
  if (req.tasksFile !== undefined && req.inline !== undefined) {
    throw new InvalidOptionError("source", "give either tasksFile or inline, not both");
  }
  const file = req.tasksFile ?? defaultTasksFile;
  if (req.inline === undefined && file === undefined) {
    throw new InvalidOptionError("source", "give tasksFile or inline (this server has no default tasks file)");
  }
  if (req.inline !== undefined) {
    if (!Array.isArray(req.inline)) throw new InvalidOptionError("inline", "must be an array of task definitions or ids");
    return inlineSource(req.inline);
  }
  try {
    return readTasksFile(file!, req.tag);
  } catch (err) {
    // a path that is not there is an input error on the field
    if (err instanceof TasksPathError) throw new InvalidOptionError("tasksFile", err.message);
    if (err instanceof Error && "code" in err && typeof err.code === "string" && err.code.startsWith("E")) {
      throw new InvalidOptionError("tasksFile", `cannot read ${file}: ${err.code}`); // EACCES, EISDIR, ...
    }
    throw err;
  }
}

/**
 * What the engine starts from, for the tasks `startSource` read. Throws
 * NothingToRunError when a `ready` or status selection leaves nothing.
 */
export function startInputFor(req: StartRunRequest, source: TaskSource): StartRunInput {
  if (req.selection !== undefined && req.taskIds !== undefined) {
    throw new InvalidOptionError("selection", "give either selection or taskIds, not both");
  }
  const text = req.selection ?? (req.taskIds ? JSON.stringify(req.taskIds) : undefined);
  const selection = resolveSelection(source, text, req.statuses);
  const selectionText = [text, req.statuses && `status:${req.statuses.join(",")}`].filter(Boolean).join(" ");
  // `ready` tasks may wait for cancelled ones, which only count as satisfied inside the run
  const options = { ...(req.options ?? {}), ...(isReadySelection(text) ? { withDependencies: true } : {}) };
  return {
    source,
    ...(selection ? { selection } : {}),
    ...(selectionText ? { selectionText } : {}),
    options,
  };
}

/** Both steps at once, for a client that has nothing to say between them. */
export function startRunInput(req: StartRunRequest, defaultTasksFile: string | undefined): StartRunInput {
  return startInputFor(req, startSource(req, defaultTasksFile));
}
