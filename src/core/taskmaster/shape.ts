// Which of the layouts Task Master has written over time a parsed file uses,
// and where in it the chosen tag's task list lives.
import { InvalidTaskFileError, UnknownTagError } from "../errors.js";
import { pathKey } from "./ids.js";

export type FileFormat = "tagged" | "tag-array" | "legacy" | "bare-list";

export interface TaskList {
  format: FileFormat;
  /** The tag read; undefined for untagged layouts. */
  tag?: string;
  tasks: unknown[];
  /** JSON path of `tasks`, for error messages ("master.tasks"). */
  path: string;
  warnings: string[];
}

const DEFAULT_TAG = "master";

/** Picks the task list out of a parsed tasks file. */
export function locateTasks(data: unknown, opts: { tag?: string; file?: string }): TaskList {
  if (Array.isArray(data)) return untagged("bare-list", data, "", opts);
  if (!isObject(data)) {
    throw new InvalidTaskFileError("not a Task Master tasks file: expected an object or an array", opts.file, "");
  }
  if (Array.isArray(data.tasks)) return untagged("legacy", data.tasks, "tasks", opts);

  // Tagged: every key whose value holds tasks is a tag. Other keys are ignored.
  const tags = Object.keys(data).filter((k) => Array.isArray(data[k]) || (isObject(data[k]) && "tasks" in data[k]));
  if (tags.length === 0) {
    throw new InvalidTaskFileError(
      'not a Task Master tasks file: expected {"tasks": [...]}, {"<tag>": {"tasks": [...]}} or an array of tasks',
      opts.file,
      "",
    );
  }
  const warnings: string[] = [];
  let tag = opts.tag ?? DEFAULT_TAG;
  if (opts.tag === undefined && !tags.includes(DEFAULT_TAG) && tags.length === 1) {
    tag = tags[0]!;
    warnings.push(`the file has no "${DEFAULT_TAG}" tag; reading its only tag, "${tag}"`);
  }
  if (!tags.includes(tag)) throw new UnknownTagError(tag, tags);

  const value = data[tag];
  if (Array.isArray(value)) return { format: "tag-array", tag, tasks: value, path: pathKey("", tag), warnings };
  const holder = value as Record<string, unknown>;
  const path = pathKey(pathKey("", tag), "tasks");
  if (!Array.isArray(holder.tasks)) throw new InvalidTaskFileError(`${path}: must be an array`, opts.file, path);
  const count = isObject(holder.metadata) ? holder.metadata.taskCount : undefined;
  if (typeof count === "number" && count !== holder.tasks.length) {
    warnings.push(`metadata.taskCount of tag "${tag}" says ${count}, but it has ${holder.tasks.length} tasks`);
  }
  return { format: "tagged", tag, tasks: holder.tasks, path, warnings };
}

/** Untagged layouts are what Task Master migrates to "master", so only that tag name fits them. */
function untagged(format: FileFormat, tasks: unknown[], path: string, opts: { tag?: string }): TaskList {
  if (opts.tag !== undefined && opts.tag !== DEFAULT_TAG) throw new UnknownTagError(opts.tag, []);
  return { format, tasks, path, warnings: [] };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
