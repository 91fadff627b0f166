// Where a run's tasks come from on the command line: a tasks file (or a project
// folder holding one), inline JSON definitions, or bare ids.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InvalidTaskFileError } from "../core/errors.js";
import type { TaskSource } from "../core/task.js";
import { inlineSource, parseTaskFile } from "../core/taskmaster/index.js";
import { UsageError } from "./usage-error.js";

/** A folder is searched for Task Master's tasks file, current layout first. */
export function resolveTasksPath(path: string): string {
  const full = resolve(path);
  if (!existsSync(full)) throw new UsageError(`--tasks: ${path} does not exist`);
  if (!statSync(full).isDirectory()) return full;
  for (const candidate of [".taskmaster/tasks/tasks.json", "tasks/tasks.json"]) {
    if (existsSync(join(full, candidate))) return join(full, candidate);
  }
  throw new UsageError(`--tasks: no .taskmaster/tasks/tasks.json or tasks/tasks.json in ${path}`);
}

export function loadTasksFile(path: string, tag: string | undefined): TaskSource {
  const file = resolveTasksPath(path);
  return parseTaskFile(readFileSync(file, "utf8"), { file, ...(tag !== undefined ? { tag } : {}) });
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
