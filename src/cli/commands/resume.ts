import { parseArgs } from "node:util";
import { ownerLabel } from "../../core/lease-owner.js";
import { exitCodeFor, follow, summary, type Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { UsageError } from "../usage-error.js";

export async function resumeCommand(args: string[], out: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { checkpoint: { type: "string" } }, allowPositionals: true });
  const [runId] = positionals;
  if (!runId || positionals.length > 1) throw new UsageError("usage: conveyor resume <run-id> [--checkpoint <id>]");
  return withApp(async (app) => {
    await app.engine.resumeRun(runId, values.checkpoint !== undefined ? { checkpointId: values.checkpoint } : {});
    out.write(`run ${runId} resumed\n`);
    const run = await follow(app, runId, out);
    out.write(summary(run));
    return exitCodeFor(run.status);
  });
}

/** Takes over every run left running by a process that died, and follows them to the end. */
export async function recoverCommand(_args: string[], out: Output): Promise<number> {
  return withApp(async (app) => {
    const ids = await app.engine.recoverOrphans();
    // runs whose driver is silent but not provably gone: theirs until the lease expires
    const silent = await app.engine.silentRuns();
    for (const s of silent) {
      const left = Math.max(1, Math.ceil(s.expiresInMs / 1000));
      out.write(`run ${s.runId}: interrupted, lease expires in ${left} s (unless ${ownerLabel(s.owner)} still drives it); then: conveyor resume ${s.runId}\n`);
    }
    if (ids.length === 0 && silent.length === 0) out.write("no interrupted runs\n");
    let code = 0;
    for (const id of ids) {
      out.write(`recovering run ${id}\n`);
      const run = await follow(app, id, out);
      out.write(summary(run));
      code = Math.max(code, exitCodeFor(run.status));
    }
    return code;
  });
}
