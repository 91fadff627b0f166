// Where a run's tasks come from on the command line: a tasks file (or a project
// folder holding one) read by the start request, or --inline JSON.
import { readFileSync } from "node:fs";
import { InvalidTaskFileError, TasksPathError } from "../core/errors.js";
import { resolveTasksPath as findTasksFile } from "../taskmaster-sync/tasks-file.js";
import { UsageError } from "./usage-error.js";

/** The tasks file --tasks names, or the one in the project folder it names. */
export function resolveTasksPath(path: string): string {
  try {
    return findTasksFile(path);
  } catch (err) {
    if (err instanceof TasksPathError) throw new UsageError(`--tasks: ${err.message}`);
    throw err;
  }
}

/** `--inline` takes JSON text or @file: an array of task objects or bare ids. */
export function parseInlineFlag(arg: string): unknown[] {
  const text = arg.startsWith("@") ? readFileSync(arg.slice(1), "utf8") : arg;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InvalidTaskFileError(`--inline is not valid JSON: ${(err as Error).message}`, undefined);
  }
  if (!Array.isArray(data)) throw new InvalidTaskFileError("--inline must be a JSON array of tasks or ids", undefined);
  return data;
}
