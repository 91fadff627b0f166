import { parseArgs } from "node:util";
import { NothingToRunError } from "../../core/errors.js";
import { isReadySelection, parseStatusFilter, resolveSelection } from "../../core/task-filter.js";
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
  if (f["sync-status"] && f.tasks === undefined) throw new UsageError("--sync-status writes statuses into a tasks file: use --tasks");
  const source: TaskSource = f.tasks !== undefined ? loadTasksFile(f.tasks, f.tag) : loadInline(f.inline!);
  const statuses = f.status !== undefined ? parseStatusFilter(f.status) : undefined;
  // Nothing ready, no task with the statuses, an empty tag: nothing to do, which is
  // a success (exit 0), so a loop running what is ready can tell it from bad input (2).
  const nothingToRun = (err: unknown): number => {
    if (!(err instanceof NothingToRunError)) throw err;
    for (const w of source.warnings) out.error(`warning: ${w}\n`);
    out.write(`${err.message}\n`);
    return 0;
  };
  let selection: string[] | undefined;
  try {
    selection = resolveSelection(source, f.select, statuses);
  } catch (err) {
    return nothingToRun(err);
  }
  const selectionText = [f.select, f.status && `status:${f.status}`].filter(Boolean).join(" ");
  const options = { ...runOptionsFromFlags(f), ...(isReadySelection(f.select) ? { withDependencies: true } : {}) };
  return withApp(async (app) => {
    const warn = (m: string) => out.error(`warning: ${m}\n`);
    const started = await app
      .startRun({
        source,
        ...(selection ? { selection } : {}),
        ...(selectionText ? { selectionText } : {}),
        options,
      })
      .catch((err: unknown) => nothingToRun(err));
    if (typeof started === "number") return started;
    for (const w of started.warnings) warn(w);
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
