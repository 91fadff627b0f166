import { parseArgs } from "node:util";
import { parseSelection } from "../../core/selection.js";
import type { TaskSource } from "../../core/task.js";
import { exitCodeFor, follow, summary, type Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { runFlagSpec, runOptionsFromFlags } from "../run-flags.js";
import { loadInline, loadTasksFile } from "../task-input.js";
import { UsageError } from "../usage-error.js";

export async function runCommand(args: string[], out: Output): Promise<number> {
  const { values: f } = parseArgs({ args, options: runFlagSpec, allowPositionals: false, strict: true });
  if ((f.tasks === undefined) === (f.inline === undefined)) {
    throw new UsageError("give the tasks with exactly one of --tasks <tasks.json or project folder> or --inline <json>");
  }
  const source: TaskSource = f.tasks !== undefined ? loadTasksFile(f.tasks, f.tag) : loadInline(f.inline!);
  const selection = f.select !== undefined ? parseSelection(f.select) : undefined;
  const options = runOptionsFromFlags(f);
  return withApp(async (app) => {
    const started = await app.engine.startRun({
      source,
      ...(selection ? { selection, selectionText: f.select! } : {}),
      options,
    });
    for (const w of started.warnings) out.error(`warning: ${w}\n`);
    out.write(`run ${started.runId}: ${started.total} tasks\n`);
    const orphans = await app.engine.store.findOrphans();
    if (orphans.length > 0) {
      out.error(`note: ${orphans.length} interrupted run(s) wait for recovery: conveyor recover\n`);
    }
    const run = await follow(app, started.runId, out);
    out.write(summary(run));
    return exitCodeFor(run.status);
  });
}
