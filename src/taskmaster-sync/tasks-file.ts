// A Task Master project's tasks file on disk: found in a project folder (current
// layout first), read under the tag asked for or the one state.json marks current.
// The CLI's --tasks and the API's tasksFile both come here.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { TasksPathError, UnknownTagError } from "../core/errors.js";
import type { TaskSource } from "../core/task.js";
import { parseTaskFile } from "../core/taskmaster/index.js";

/** A folder is searched for Task Master's tasks file, current layout first. */
export function resolveTasksPath(path: string): string {
  const full = resolve(path);
  if (!existsSync(full)) throw new TasksPathError(path, `${path} does not exist`);
  if (!statSync(full).isDirectory()) return full;
  for (const candidate of [".taskmaster/tasks/tasks.json", "tasks/tasks.json"]) {
    if (existsSync(join(full, candidate))) return join(full, candidate);
  }
  throw new TasksPathError(path, `no .taskmaster/tasks/tasks.json or tasks/tasks.json in ${path}`);
}

/**
 * Without --tag, the tag Task Master's .taskmaster/state.json marks current
 * (what `task-master use-tag` sets), else master. A current tag the file does
 * not have falls back to the default, with a warning.
 */
export function readTasksFile(path: string, tag: string | undefined): TaskSource {
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
