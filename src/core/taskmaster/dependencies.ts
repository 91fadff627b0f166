// Task Master's dependency rules (scripts/modules/dependency-manager.js):
//  - in a task, "X.Y" is subtask Y of task X; anything else is top-level task X;
//  - in a subtask, "X.Y" is that subtask; anything else (the number n or a
//    string) is the sibling "<parent>.n" if there is one, else top-level task n.
// Also the one place that sees every id of a list, so duplicates are caught
// here for inline definitions; a file's duplicates are the plan's to judge (a
// duplicate no run touches does not matter, as in Task Master).
import { DuplicateTaskIdError } from "../errors.js";
import type { SourceTask } from "../task.js";

/** Rewrites each task's canonical raw dependencies into the ids they mean, in place. */
export function resolveDependencies(tasks: SourceTask[], refuseDuplicates: boolean): SourceTask[] {
  const subtaskIds = new Set<string>();
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const note = (id: string): void => {
    if (seen.has(id)) duplicates.add(id);
    seen.add(id);
  };
  for (const task of tasks) {
    note(task.id);
    for (const sub of task.subtasks) {
      note(sub.id);
      subtaskIds.add(sub.id);
    }
  }
  if (refuseDuplicates && duplicates.size > 0) throw new DuplicateTaskIdError([...duplicates]);

  const resolve = (deps: string[], parentId?: string): string[] => {
    const out = deps.map((dep) => {
      if (dep.includes(".") || parentId === undefined) return dep;
      const sibling = `${parentId}.${dep}`;
      return subtaskIds.has(sibling) ? sibling : dep;
    });
    return out.length > 1 ? [...new Set(out)] : out;
  };
  for (const task of tasks) {
    task.dependencies = resolve(task.dependencies);
    for (const sub of task.subtasks) sub.dependencies = resolve(sub.dependencies, task.id);
  }
  return tasks;
}
