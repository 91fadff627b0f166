// Tasks given directly (API or CLI) instead of a file: objects shaped like
// Task Master tasks plus an optional per-task `command`, or bare ids.
import type { TaskSource } from "../task.js";
import { resolveDependencies } from "./dependencies.js";
import { idOf, type ReadContext, readTask } from "./normalize.js";
import { noteWarnings } from "./notes.js";
import { pathIndex } from "./ids.js";

/** Bare ids (strings or numbers) become tasks titled by their id. */
export function inlineSource(defs: readonly unknown[]): TaskSource {
  const ctx: ReadContext = { inline: true, notes: new Map() };
  let allBare = defs.length > 0;
  const tasks = defs.map((def, i) => {
    const bare = typeof def === "string" || typeof def === "number";
    allBare &&= bare;
    // a bare id that is not a valid id falls through to readTask, which names the element
    const raw = bare && idOf(def) !== undefined ? { id: def } : def;
    return readTask(raw, pathIndex("tasks", i), ctx)!; // inline: malformed tasks throw
  });
  return {
    origin: allBare ? "ids" : "inline",
    format: "inline",
    tasks: resolveDependencies(tasks, true),
    warnings: noteWarnings(ctx.notes),
  };
}
