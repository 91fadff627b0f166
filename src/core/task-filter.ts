// Selections in Task Master's words: `all`, `ready` and a status filter, next
// to the id lists and ranges of selection.ts. They need the source, so they
// resolve to canonical ids here rather than in parseSelection.
import { InvalidSelectionError, NothingToRunError } from "./errors.js";
import { isFinished, readyTasks, TASKMASTER_STATUSES } from "./readiness.js";
import { parseSelection } from "./selection.js";
import type { TaskSource } from "./task.js";

export const SELECTION_KEYWORDS = ["all", "ready"] as const;

/**
 * Ready tasks may wait for cancelled tasks, which Task Master counts as
 * satisfied but the plan only lets pass when they are in the run (starting
 * skipped): a `ready` run pulls its dependencies in (withDependencies).
 */
export function isReadySelection(text: string | undefined): boolean {
  return text?.trim().toLowerCase() === "ready";
}

/** Comma-separated statuses, checked against Task Master's list ("completed" is read as "done"). */
export function parseStatusFilter(text: string): string[] {
  const statuses = text.split(",").map((s) => s.trim().toLowerCase());
  for (const s of statuses) {
    if (!(TASKMASTER_STATUSES as readonly string[]).includes(s)) {
      throw new InvalidSelectionError(`unknown status "${s}"; Task Master's are ${TASKMASTER_STATUSES.join(", ")}`, s);
    }
  }
  return [...new Set(statuses)];
}

/**
 * Canonical ids to run, or undefined for "every top-level task" (tasks done or
 * cancelled in the file then start skipped, which is what `all` means).
 * `text` is a keyword or anything parseSelection takes; `statuses` keeps only
 * top-level tasks whose file status is one of them.
 */
export function resolveSelection(source: TaskSource, text?: string, statuses?: string[]): string[] | undefined {
  const keyword = text?.trim().toLowerCase();
  let ids: string[] | undefined;
  if (isReadySelection(keyword)) ids = readyTasks(source).map((t) => t.id);
  else if (keyword === "all") ids = statuses ? source.tasks.filter((t) => !isFinished(t)).map((t) => t.id) : undefined;
  else if (text !== undefined) ids = parseSelection(text);
  if (statuses === undefined) {
    if (ids?.length === 0) throw new NothingToRunError(`no task is ${keyword}: nothing to run`);
    return ids;
  }
  const wanted = new Set(statuses);
  const byId = new Map(source.tasks.map((t) => [t.id, t]));
  // ids that are not top-level tasks stay in, so the plan names them as unknown or as subtasks
  const kept = (ids ?? source.tasks.map((t) => t.id)).filter((id) => {
    const task = byId.get(id);
    return task === undefined || wanted.has(task.status ?? "pending");
  });
  if (kept.length === 0) throw new NothingToRunError(`no selected task has status ${statuses.join(" or ")}: nothing to run`);
  return kept;
}
