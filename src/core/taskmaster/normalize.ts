// Raw task objects (from a tasks file or inline definitions) turned into
// SourceTasks with canonical ids. Dependencies come out canonical but
// unresolved: which of "2" or "<parent>.2" a subtask means needs the whole list
// (see dependencies.ts).
//
// A tasks file is read as Task Master reads it: what its CLI lists, shows and
// validates, Conveyor reads too, noting what it read leniently (notes.ts). Only
// the run decides whether an oddity matters (plan.ts): a broken dependency on
// work that is already done does not. Inline definitions come from an API
// caller, who gets a clear error for anything malformed instead.
import { InvalidTaskFileError } from "../errors.js";
import type { SourceTask } from "../task.js";
import { canonicalId, pathIndex, pathKey } from "./ids.js";
import { type Notes, note } from "./notes.js";
import { isObject } from "./shape.js";

export interface ReadContext {
  file?: string;
  /** Inline definitions: title optional (defaults to the id), `command` allowed, anything malformed refused. */
  inline: boolean;
  notes: Notes;
}

const TEXT_FIELDS = ["description", "details", "testStrategy", "priority"] as const;

// Plain functions rather than per-task closures: this runs for every task of
// 100,000-task inline sources. Undefined: left out of a file (noted).
export function readTask(raw: unknown, path: string, ctx: ReadContext, parentId?: string): SourceTask | undefined {
  const kind = parentId === undefined ? "task" : "subtask";
  if (!isObject(raw)) {
    if (ctx.inline) fail(ctx, path, `a task must be an object, got ${describe(raw)}`);
    return void note(ctx.notes, "notObject", kind, path);
  }
  const own = idOf(raw.id);
  if (own === undefined) {
    if (ctx.inline) {
      fail(ctx, pathKey(path, "id"), raw.id === undefined ? "missing task id" : `invalid task id ${describe(raw.id)}`);
    }
    return void note(ctx.notes, "noId", kind, typeof raw.title === "string" ? `${path} ("${raw.title}")` : path);
  }
  const id = parentId === undefined ? own : ownSubtaskId(own, parentId, path, ctx);
  let title = text(raw, "title", id, path, ctx);
  if (title === undefined) {
    if (!ctx.inline) note(ctx.notes, "noTitle", kind, id); // Task Master shows "Subtask <n>"
    title = id;
  }

  const status = readStatus(raw.status, id, kind, path, ctx);
  const task: SourceTask = { id, title, status, dependencies: [], subtasks: [] };
  for (const name of TEXT_FIELDS) {
    const v = text(raw, name, id, path, ctx);
    if (v !== undefined) task[name] = v;
  }
  if (parentId !== undefined) task.parentId = parentId;
  if (ctx.inline) {
    const command = text(raw, "command", id, path, ctx);
    if (command !== undefined) task.command = command;
  }

  const deps = list(raw, "dependencies", id, kind, path, ctx);
  let spelled = parentId === undefined && !ctx.inline && String(raw.id) !== id;
  for (let i = 0; i < deps.length; i++) {
    let dep = idOf(deps[i]);
    if (dep === undefined) {
      if (ctx.inline) fail(ctx, pathIndex(pathKey(path, "dependencies"), i), `invalid dependency ${describe(deps[i])}`);
      // Task Master compares String(dependency) with ids: this names no task, as there
      dep = JSON.stringify(deps[i]) ?? String(deps[i]);
    }
    spelled ||= parentId === undefined && !ctx.inline && String(deps[i]) !== dep;
    task.dependencies.push(dep);
  }
  if (spelled) task.asWritten = { id: String(raw.id), dependencies: deps.map(String) };

  const subtasks = list(raw, "subtasks", id, kind, path, ctx);
  if (parentId !== undefined) {
    if (subtasks.length > 0) note(ctx.notes, "nested", "subtask", id);
  } else {
    for (let i = 0; i < subtasks.length; i++) {
      const sub = readTask(subtasks[i], pathIndex(pathKey(path, "subtasks"), i), ctx, id);
      if (sub) task.subtasks.push(sub);
    }
  }
  return task;
}

/** Canonical id of a number or non-empty string; undefined for anything else. */
export function idOf(raw: unknown): string | undefined {
  if (typeof raw === "number" && Number.isFinite(raw)) return canonicalId(raw);
  if (typeof raw === "string" && raw.trim() !== "") return canonicalId(raw);
  return undefined;
}

/**
 * A subtask's canonical id is "<parent>.<n>". Files write n as 1, "1", "2.1"
 * (in full) or the JSON number 2.1. A full form naming another parent is read
 * as Task Master reads it, by its last part (its readJSON keeps that part).
 */
export function subtaskId(own: string, parentId: string): string {
  if (own.startsWith(`${parentId}.`) && own.length > parentId.length + 1) return own;
  return own.includes(".") ? `${parentId}.${own.slice(own.lastIndexOf(".") + 1)}` : `${parentId}.${own}`;
}

/** subtaskId, refusing inline (or noting in a file) a full form that names another parent. */
function ownSubtaskId(own: string, parentId: string, path: string, ctx: ReadContext): string {
  const id = subtaskId(own, parentId);
  if (id === own || !own.includes(".")) return id;
  if (ctx.inline) fail(ctx, pathKey(path, "id"), `subtask id "${own}" does not belong to task ${parentId}`);
  note(ctx.notes, "otherParent", "subtask", `${id} (written "${own}")`);
  return id;
}

function readStatus(raw: unknown, id: string, kind: "task" | "subtask", path: string, ctx: ReadContext): string {
  if (raw !== undefined && raw !== null && typeof raw !== "string") {
    if (ctx.inline) fail(ctx, pathKey(path, "status"), `must be a string, got ${describe(raw)}`);
    note(ctx.notes, "oddStatus", kind, `${id} (${describe(raw)})`);
    return "pending";
  }
  const status = raw?.trim().toLowerCase() || "pending";
  if (status === "completed") {
    note(ctx.notes, "completed", kind, id);
    return "done";
  }
  if (!KNOWN_STATUSES.has(status)) note(ctx.notes, "oddStatus", kind, `${id} ("${raw}")`);
  return status;
}

const KNOWN_STATUSES = new Set(["pending", "in-progress", "done", "deferred", "cancelled", "blocked", "review"]);

/** A string field; absent and null both mean "not given", and so does any other value in a file (noted). */
function text(raw: Record<string, unknown>, name: string, id: string, path: string, ctx: ReadContext): string | undefined {
  const v = raw[name];
  if (v === undefined || v === null || typeof v === "string") return v ?? undefined;
  if (ctx.inline) fail(ctx, pathKey(path, name), `must be a string, got ${describe(v)}`);
  note(ctx.notes, "notText", "task", `${id}.${name}`);
  return undefined;
}

/**
 * A list field. In a file, a single value stands for a list of it (noted): Task
 * Master's `list` reads subtasks' fields without looking at them.
 */
function list(
  raw: Record<string, unknown>,
  name: "dependencies" | "subtasks",
  id: string,
  kind: "task" | "subtask",
  path: string,
  ctx: ReadContext,
): unknown[] {
  const v = raw[name];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (ctx.inline) fail(ctx, pathKey(path, name), `must be an array, got ${describe(v)}`);
  if (!v) return []; // "", 0, false: Task Master's `field || []`
  if (name === "subtasks") {
    note(ctx.notes, "subtasksNotList", kind, id);
    return [];
  }
  note(ctx.notes, "depsNotList", kind, `${id} (${describe(v)})`);
  return [v];
}

function fail(ctx: ReadContext, at: string, message: string): never {
  throw new InvalidTaskFileError(`${at}: ${message}`, ctx.file, at);
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}
