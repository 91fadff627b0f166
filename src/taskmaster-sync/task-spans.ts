// Where each task of one tag sits in a tasks file's text, found by the same
// layout and id rules the loader uses (shape.ts, normalize.ts).
import { locateTasks } from "../core/taskmaster/shape.js";
import { idOf, subtaskId } from "../core/taskmaster/normalize.js";
import { member, parseSpans, type JsonNode, type ObjectNode } from "./json-spans.js";

export interface TaskSpan {
  id: string;
  node: ObjectNode;
  /** Set on subtasks: the parent's canonical id. */
  parentId?: string;
  /** Set on parents: their subtasks' ids. */
  subtaskIds: string[];
}

export interface TaskFileSpans {
  tasks: Map<string, TaskSpan>;
  /** Top-level task ids in file order. */
  topLevel: string[];
  /** The tag's metadata object, when it has one. */
  metadata?: ObjectNode;
}

/** Throws what JSON.parse and locateTasks throw: invalid JSON, a missing tag, not a tasks file. */
export function locateTaskSpans(text: string, tag: string | undefined): TaskFileSpans {
  // a byte-order mark is one character: a space keeps every offset in place
  const clean = text.startsWith("\uFEFF") ? ` ${text.slice(1)}` : text;
  const list = locateTasks(JSON.parse(clean), tag !== undefined ? { tag } : {});
  const root = parseSpans(clean);
  const holder = list.format === "tagged" ? member(root, list.tag!) : list.format === "legacy" ? root : undefined;
  const array = list.format === "bare-list" ? root : list.format === "tag-array" ? member(root, list.tag!) : member(holder, "tasks");
  const meta = member(holder, "metadata");
  const out: TaskFileSpans = { tasks: new Map(), topLevel: [], ...(meta?.kind === "object" ? { metadata: meta } : {}) };
  for (const node of items(array)) {
    const id = idOf(scalar(member(node, "id")));
    if (id === undefined) continue;
    const span: TaskSpan = { id, node, subtaskIds: [] };
    out.tasks.set(id, span);
    out.topLevel.push(id);
    for (const sub of items(member(node, "subtasks"))) {
      const own = idOf(scalar(member(sub, "id")));
      const subId = own === undefined ? undefined : subtaskId(own, id);
      if (subId === undefined) continue;
      span.subtaskIds.push(subId);
      out.tasks.set(subId, { id: subId, node: sub, parentId: id, subtaskIds: [] });
    }
  }
  return out;
}

/** A status as compared and counted: trimmed, lower-cased, absent = pending, "completed" = done. */
export function statusOf(span: TaskSpan): string {
  const raw = scalar(member(span.node, "status"));
  const s = typeof raw === "string" ? raw.trim().toLowerCase() : "";
  return s === "" ? "pending" : s === "completed" ? "done" : s;
}

function items(node: JsonNode | undefined): ObjectNode[] {
  return node?.kind === "array" ? node.items.filter((n): n is ObjectNode => n.kind === "object") : [];
}

function scalar(node: JsonNode | undefined): unknown {
  return node?.kind === "scalar" ? node.value : undefined;
}
