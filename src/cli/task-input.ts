// Where a run's tasks come from on the command line: a tasks file (or a project
// folder holding one), inline JSON definitions, or bare ids.
import { readFileSync } from "node:fs";
import { InvalidTaskFileError, TasksPathError } from "../core/errors.js";
import type { TaskSource } from "../core/task.js";
import { inlineSource } from "../core/taskmaster/index.js";
import { readTasksFile, resolveTasksPath as findTasksFile } from "../taskmaster-sync/tasks-file.js";
import { UsageError } from "./usage-error.js";

/** The tasks file at --tasks: a path that is not there is a usage error naming the flag. */
export function loadTasksFile(path: string, tag: string | undefined): TaskSource {
  return asUsage(() => readTasksFile(path, tag));
}

/** The tasks file --tasks names, or the one in the project folder it names. */
export function resolveTasksPath(path: string): string {
  return asUsage(() => findTasksFile(path));
}

function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof TasksPathError) throw new UsageError(`--tasks: ${err.message}`);
    throw err;
  }
}

/** `--inline` takes JSON text or @file: an array of task objects or bare ids. */
export function loadInline(arg: string): TaskSource {
  const text = arg.startsWith("@") ? readFileSync(arg.slice(1), "utf8") : arg;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InvalidTaskFileError(`--inline is not valid JSON: ${(err as Error).message}`, undefined);
  }
  if (!Array.isArray(data)) throw new InvalidTaskFileError("--inline must be a JSON array of tasks or ids", undefined);
  return inlineSource(data);
}
