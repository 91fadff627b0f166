// Where a run's tasks come from on the command line: a tasks file (or a project
// folder holding one), inline JSON definitions, or bare ids.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InvalidTaskFileError, UnknownTagError } from "../core/errors.js";
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

/**
 * Without --tag, the tag Task Master's .taskmaster/state.json marks current
 * (what `task-master use-tag` sets), else master. A current tag the file does
 * not have falls back to the default, with a warning.
 */
export function loadTasksFile(path: string, tag: string | undefined): TaskSource {
  const file = resolveTasksPath(path);
  const text = readFileSync(file, "utf8");
  if (tag !== undefined) return parseTaskFile(text, { file, tag });
  const current = currentTag(file);
  if (current === undefined) return parseTaskFile(text, { file });
  try {
    return parseTaskFile(text, { file, tag: current });
  } catch (err) {
    if (!(err instanceof UnknownTagError)) throw err;
    const source = parseTaskFile(text, { file });
    source.warnings.unshift(`state.json's current tag "${current}" is not in the file; read "${source.tag ?? "master"}"`);
    return source;
  }
}

/** currentTag from the state.json of the project holding `file` (.taskmaster/tasks/ or legacy tasks/). */
export function currentTag(file: string): string | undefined {
  const dir = dirname(file);
  const root = basename(dir) === "tasks" ? dirname(dir) : dir;
  const project = basename(root) === ".taskmaster" ? dirname(root) : root;
  const state = join(project, ".taskmaster", "state.json");
  if (!existsSync(state)) return undefined;
  try {
    const tag = (JSON.parse(readFileSync(state, "utf8")) as { currentTag?: unknown }).currentTag;
    return typeof tag === "string" && tag.trim() !== "" ? tag : undefined;
  } catch {
    return undefined; // a broken state file is Task Master's to report; we read the default tag
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
