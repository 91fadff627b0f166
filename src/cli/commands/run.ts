// conveyor run: loads the tasks, starts the run and follows it to the end.
import { isReadySelection, parseStatusFilter, resolveSelection } from "../../core/task-filter.js";
import type { TaskSource } from "../../core/task.js";
import { exitCodeFor, follow, summary, type Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { runOptionsFromFlags } from "../run-flags.js";
import { loadInline, loadTasksFile } from "../task-input.js";
import { UsageError } from "../usage-error.js";

export interface RunFlags extends Record<string, unknown> {
  tasks?: string;
  inline?: string;
  tag?: string;
  select?: string;
  status?: string;
  syncStatus?: boolean;
}

export async function runCommand(f: RunFlags, out: Output): Promise<number> {
  if ((f.tasks === undefined) === (f.inline === undefined)) {
    throw new UsageError("give the tasks with exactly one of --tasks <tasks.json or project folder> or --inline <json>");
  }
  if (f.syncStatus && f.tasks === undefined) throw new UsageError("--sync-status writes statuses into a tasks file: use --tasks");
  const source: TaskSource = f.tasks !== undefined ? loadTasksFile(f.tasks, f.tag) : loadInline(f.inline!);
  const statuses = f.status !== undefined ? parseStatusFilter(f.status) : undefined;
  const selection = resolveSelection(source, f.select, statuses);
  const selectionText = [f.select, f.status && `status:${f.status}`].filter(Boolean).join(" ");
  const options = { ...runOptionsFromFlags(f), ...(isReadySelection(f.select) ? { withDependencies: true } : {}) };
  return withApp(async (app, interruption) => {
    const warn = (m: string) => out.error(`warning: ${m}\n`);
    const started = await app.startRun({
      source,
      ...(selection ? { selection } : {}),
      ...(selectionText ? { selectionText } : {}),
      options,
    });
    interruption.runIds.add(started.runId);
    for (const w of started.warnings) warn(w);
    out.write(`run ${started.runId}: ${started.total} tasks\n`);
    const orphans = await app.engine.store.findOrphans();
    if (orphans.length > 0) {
      out.error(`note: ${orphans.length} interrupted run(s) wait for recovery: conveyor recover\n`);
    }
    const run = await follow(app, started.runId, out, interruption);
    out.write(summary(run));
    return exitCodeFor(run.status);
  });
}
