// A start request as the API's clients make it, and its one conversion into what
// the engine starts from. GraphQL's StartRunInput is this type once its nulls go
// (graphqlStartRequest); REST's body becomes it in rest/start-request.ts, which
// only renames its wire keys. Both then pass startRunInput.
import { InvalidOptionError, TasksPathError } from "../core/errors.js";
import { parseSelection } from "../core/selection.js";
import type { TaskSource } from "../core/task.js";
import { inlineSource } from "../core/taskmaster/index.js";
import type { StartRunInput } from "../engine/engine.js";
import { readTasksFile } from "../taskmaster-sync/tasks-file.js";

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

/** `defaultTasksFile`: the server's own Task Master project, read when a request names no source. */
export function startRunInput(req: StartRunRequest, defaultTasksFile: string | undefined): StartRunInput {
  const source = sourceOf(req, defaultTasksFile);
  if (req.selection !== undefined && req.taskIds !== undefined) {
    throw new InvalidOptionError("selection", "give either selection or taskIds, not both");
  }
  const selection =
    req.selection !== undefined ? parseSelection(req.selection) : req.taskIds !== undefined ? parseSelection(req.taskIds) : undefined;
  const selectionText = req.selection ?? (req.taskIds ? JSON.stringify(req.taskIds) : undefined);
  return {
    source,
    ...(selection ? { selection } : {}),
    ...(selectionText !== undefined ? { selectionText } : {}),
    options: req.options ?? {},
  };
}

/**
 * GraphQL's StartRunInput as the request: GraphQL sends null for absent optional fields,
 * which go. Inline tasks are the client's own data and keep theirs.
 */
export function graphqlStartRequest(input: { [K in keyof StartRunRequest]?: StartRunRequest[K] | null }): StartRunRequest {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as StartRunRequest;
  return { ...given, options: withoutNulls(given.options ?? {}) };
}

function sourceOf(req: StartRunRequest, defaultTasksFile: string | undefined): TaskSource {
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

/** The options schema wants absent fields absent, not null. */
function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
  }
  return value;
}
