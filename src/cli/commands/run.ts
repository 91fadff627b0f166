import { parseArgs } from "node:util";
import { exitCodeFor, follow, summary, type Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { runFlagSpec } from "../run-flags.js";
import { runInputFromFlags } from "../run-input.js";
import { UsageError } from "../usage-error.js";
import { showPlan } from "./plan.js";

export async function runCommand(args: string[], out: Output): Promise<number> {
  const { values: f } = parseArgs({
    args,
    options: { ...runFlagSpec, "dry-run": { type: "boolean" }, json: { type: "boolean" } },
    allowPositionals: false,
    strict: true,
  });
  // --dry-run is `conveyor plan`: what the run would do, recording nothing
  if (f["dry-run"]) return showPlan(f, out);
  if (f.json) throw new UsageError("--json prints the plan: it goes with --dry-run (or use conveyor plan --json)");
  const input = runInputFromFlags(f);
  return withApp(async (app) => {
    const warn = (m: string) => out.error(`warning: ${m}\n`);
    const started = await app.startRun(input);
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
