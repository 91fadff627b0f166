// One write-back step, pure: given the file's current text and the statuses
// Conveyor wants, the new text. Only status fields change, plus what Task
// Master 0.43.1 updates with them (`set-status`): the task's updatedAt, a
// parent's status and updatedAt when one of its subtasks changes, and the
// tag's metadata (lastModified, taskCount, completedCount, where present).
// A task whose status in the file is not the one Conveyor last saw or wrote
// was edited by someone else during the run: it is reported, not overwritten.
import { locateTaskSpans, statusOf, type TaskFileSpans, type TaskSpan } from "./task-spans.js";
import { applyEdits, setMember, type Edit } from "./text-edits.js";

export interface PatchInput {
  text: string;
  tag: string | undefined;
  /** Wanted status per canonical id. */
  wanted: ReadonlyMap<string, string>;
  /** The status each id had when Conveyor last read or wrote it. */
  expected: ReadonlyMap<string, string>;
  /** ISO timestamp for updatedAt and lastModified. */
  now: string;
}

export interface PatchResult {
  text: string;
  /** Statuses now in the file for every id handled (derived parents included). */
  written: Map<string, string>;
  conflicts: { id: string; expected: string; found: string }[];
  /** Wanted ids the file no longer has. */
  missing: string[];
}

export function patchStatuses(input: PatchInput): PatchResult {
  const spans = locateTaskSpans(input.text, input.tag);
  const p = new Patch(input, spans);
  const parents = new Set<string>();
  for (const [id, status] of input.wanted) {
    const span = spans.tasks.get(id);
    if (!span) p.result.missing.push(id);
    else if (statusOf(span) === status)
      p.result.written.set(id, status); // already so: nothing to write
    else if (p.unedited(span)) {
      p.set(span, status);
      if (span.parentId !== undefined) parents.add(span.parentId);
    }
  }
  for (const id of parents) if (!input.wanted.has(id)) p.deriveParent(spans.tasks.get(id)!);
  return p.finish();
}

class Patch {
  readonly result: PatchResult;
  private readonly edits: Edit[] = [];
  /** Statuses after this patch, for parents and counts. */
  private readonly final = new Map<string, string>();

  constructor(
    private readonly input: PatchInput,
    private readonly spans: TaskFileSpans,
  ) {
    this.result = { text: input.text, written: new Map(), conflicts: [], missing: [] };
  }

  unedited(span: TaskSpan): boolean {
    const found = statusOf(span);
    const expected = this.input.expected.get(span.id) ?? found;
    if (found !== expected) this.result.conflicts.push({ id: span.id, expected, found });
    return found === expected;
  }

  set(span: TaskSpan, status: string): void {
    this.edits.push(setMember(this.input.text, span.node, "status", JSON.stringify(status)));
    this.touch(span);
    this.final.set(span.id, status);
    this.result.written.set(span.id, status);
  }

  /** Task Master's rule for a parent after one of its subtasks changed (updateSubtaskStatusInFile). */
  deriveParent(parent: TaskSpan): void {
    if (!this.unedited(parent)) return;
    const subs = parent.subtaskIds.map((id) => this.statusNow(id));
    const current = statusOf(parent);
    let derived = current;
    if (subs.every((s) => s === "done")) derived = "done";
    else if (subs.some((s) => s === "in-progress" || s === "done")) derived = "in-progress";
    else if (subs.every((s) => s === "pending")) derived = "pending";
    if (derived !== current) this.set(parent, derived);
    else this.touch(parent);
  }

  finish(): PatchResult {
    if (this.edits.length === 0) return this.result;
    const meta = this.spans.metadata;
    if (meta) {
      const values: Record<string, string> = {
        lastModified: JSON.stringify(this.input.now),
        taskCount: String(this.spans.topLevel.length),
        completedCount: String(this.spans.topLevel.filter((id) => this.statusNow(id) === "done").length),
      };
      for (const e of meta.entries) if (e.key in values) this.edits.push(setMember(this.input.text, meta, e.key, values[e.key]!));
    }
    this.result.text = applyEdits(this.input.text, this.edits);
    return this.result;
  }

  private touch(span: TaskSpan): void {
    this.edits.push(setMember(this.input.text, span.node, "updatedAt", JSON.stringify(this.input.now)));
  }

  private statusNow(id: string): string {
    return this.final.get(id) ?? statusOf(this.spans.tasks.get(id)!);
  }
}
