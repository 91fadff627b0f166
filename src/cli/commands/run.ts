// conveyor run: loads the tasks, starts the run and follows it to the end; with
// --dry-run, what `conveyor plan` prints instead.
import type { Settings } from "../../config.js";
import { exitCodeFor, follow, summary, type Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { orNothingToRun } from "../nothing-to-run.js";
import { loadRunSource, runInputFor, startRequestFromFlags, type RunFlags } from "../run-input.js";
import { UsageError } from "../usage-error.js";
import { showPlan } from "./plan.js";

export async function runCommand(f: RunFlags & { dryRun?: boolean; json?: boolean }, out: Output, settings?: Settings): Promise<number> {
  // --dry-run is `conveyor plan`: what the run would do, recording nothing
  if (f.dryRun) return showPlan(f, out, settings);
  if (f.json) throw new UsageError("--json prints the plan: it goes with --dry-run (or use conveyor plan --json)");
  const request = startRequestFromFlags(f);
  const source = loadRunSource(request);
  return orNothingToRun(source, out, async () => {
    const input = runInputFor(request, source);
    return withApp(
      async (app, interruption) => {
        const warn = (m: string) => out.error(`warning: ${m}\n`);
        const started = await app.engine.startRun(input);
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
      },
      { settings },
    );
  });
}
