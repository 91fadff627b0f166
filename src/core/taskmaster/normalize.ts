// Raw task objects (from a tasks file or inline definitions) checked against
// Task Master's schema and turned into SourceTasks with canonical ids.
// Dependencies come out canonical but unresolved: which of "2" or "<parent>.2"
// a subtask means needs the whole list (see dependencies.ts).
import { InvalidTaskFileError } from "../errors.js";
import type { SourceTask } from "../task.js";
import { canonicalId, pathIndex, pathKey } from "./ids.js";
import { isObject } from "./shape.js";

export interface ReadContext {
  file?: string;
  /** Inline definitions: title optional (defaults to the id), `command` allowed. */
  inline: boolean;
  /** Tasks and subtasks whose non-standard status "completed" was read as "done". */
  completed: number;
  /** Subtasks of subtasks, which Task Master does not support and we ignore. */
  nestedSubtasks: number;
}

/** Warnings about what was read leniently, for parseTaskFile and inlineSource. */
export function readWarnings(ctx: ReadContext): string[] {
  const warnings: string[] = [];
  const { completed, nestedSubtasks: nested } = ctx;
  if (completed > 0) {
    const tasks = completed === 1 ? "1 task has" : `${completed} tasks have`;
    warnings.push(`${tasks} the non-standard status "completed"; read as "done"`);
  }
  if (nested > 0) warnings.push(`ignored ${nested} nested subtask${nested === 1 ? "" : "s"} (subtasks of subtasks)`);
  return warnings;
}

const TEXT_FIELDS = ["description", "details", "testStrategy", "priority"] as const;

// Plain functions rather than per-task closures: this runs for every task of
// 100,000-task inline sources.
export function readTask(raw: unknown, path: string, ctx: ReadContext, parentId?: string): SourceTask {
  if (!isObject(raw)) fail(ctx, path, `a task must be an object, got ${describe(raw)}`);
  const own = idOf(raw.id);
  if (own === undefined) {
    fail(ctx, pathKey(path, "id"), raw.id === undefined ? "missing task id" : `invalid task id ${describe(raw.id)}`);
  }
  const id = parentId === undefined ? own : subtaskId(own, parentId);
  if (id === undefined) fail(ctx, pathKey(path, "id"), `subtask id "${own}" does not belong to task ${parentId}`);
  const title = text(raw, "title", path, ctx) ?? (ctx.inline ? id : fail(ctx, pathKey(path, "title"), "missing title"));

  const status = readStatus(text(raw, "status", path, ctx), ctx);
  const task: SourceTask = { id, title, status, dependencies: [], subtasks: [] };
  for (const name of TEXT_FIELDS) {
    const v = text(raw, name, path, ctx);
    if (v !== undefined) task[name] = v;
  }
  if (parentId !== undefined) task.parentId = parentId;
  if (ctx.inline) {
    const command = text(raw, "command", path, ctx);
    if (command !== undefined) task.command = command;
  }

  const deps = list(raw, "dependencies", path, ctx);
  for (let i = 0; i < deps.length; i++) {
    const dep = idOf(deps[i]);
    if (dep === undefined) {
      fail(ctx, pathIndex(pathKey(path, "dependencies"), i), `invalid dependency ${describe(deps[i])}`);
    }
    task.dependencies.push(dep);
  }
  const subtasks = list(raw, "subtasks", path, ctx);
  if (parentId !== undefined) ctx.nestedSubtasks += subtasks.length;
  else {
    for (let i = 0; i < subtasks.length; i++) {
      task.subtasks.push(readTask(subtasks[i], pathIndex(pathKey(path, "subtasks"), i), ctx, id));
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
 * (in full) or the JSON number 2.1; full forms must name their own parent.
 */
export function subtaskId(own: string, parentId: string): string | undefined {
  if (own.startsWith(`${parentId}.`) && own.length > parentId.length + 1) return own;
  return own.includes(".") ? undefined : `${parentId}.${own}`;
}

function readStatus(raw: string | undefined, ctx: ReadContext): string {
  const status = raw?.trim().toLowerCase() || "pending";
  if (status !== "completed") return status;
  ctx.completed++;
  return "done";
}

/** A string field; absent and null both mean "not given". */
function text(raw: Record<string, unknown>, name: string, path: string, ctx: ReadContext): string | undefined {
  const v = raw[name];
  if (v === undefined || v === null || typeof v === "string") return v ?? undefined;
  return fail(ctx, pathKey(path, name), `must be a string, got ${describe(v)}`);
}

function list(raw: Record<string, unknown>, name: string, path: string, ctx: ReadContext): unknown[] {
  const v = raw[name];
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : fail(ctx, pathKey(path, name), `must be an array, got ${describe(v)}`);
}

function fail(ctx: ReadContext, at: string, message: string): never {
  throw new InvalidTaskFileError(`${at}: ${message}`, ctx.file, at);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}
