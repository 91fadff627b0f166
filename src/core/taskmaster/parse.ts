// Reading a Task Master tasks.json: any of its layouts, one tag, with errors
// that say where in the file the problem is.
import { InvalidTaskFileError, TaskFileSyntaxError } from "../errors.js";
import type { SourceTask, TaskSource } from "../task.js";
import { resolveDependencies } from "./dependencies.js";
import { locateJsonError } from "./json-position.js";
import { type ReadContext, readTask } from "./normalize.js";
import { noteWarnings } from "./notes.js";
import { pathIndex } from "./ids.js";
import { locateTasks } from "./shape.js";

export interface ParseOptions {
  /** Tag to read; default "master" (or the only tag, with a warning). */
  tag?: string;
  /** The file's path, for `origin` and error messages. */
  file?: string;
}

export function parseTaskFile(text: string, opts: ParseOptions = {}): TaskSource {
  const data = parseJson(text.replace(/^\uFEFF/, ""), opts.file);
  const list = locateTasks(data, opts);
  const ctx: ReadContext = { file: opts.file, inline: false, notes: new Map() };
  const tasks: SourceTask[] = [];
  list.tasks.forEach((raw, i) => {
    const task = readTask(raw, pathIndex(list.path, i), ctx);
    if (task) tasks.push(task);
  });
  if (tasks.length === 0 && list.tasks.length > 0) {
    const why = `none of its ${list.tasks.length} entries is a task with an id: not Task Master tasks`;
    // a top-level array has no path of its own to name
    throw new InvalidTaskFileError(list.path ? `${list.path}: ${why}` : why, opts.file, list.path);
  }
  resolveDependencies(tasks, false);
  return {
    origin: opts.file ?? "(text)",
    ...(list.tag !== undefined && { tag: list.tag }),
    format: list.format,
    tasks,
    warnings: [...list.warnings, ...noteWarnings(ctx.notes)],
  };
}

function parseJson(text: string, file: string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = locateJsonError(text);
    if (!at) throw e; // JSON.parse and the scanner disagree: a bug, not a user error
    throw new TaskFileSyntaxError(at.reason, file, at.line, at.column, at.offset);
  }
}
