// conveyor resume and conveyor recover: drive stored runs again and follow them.
import type { Settings } from "../../config.js";
import { ownerLabel } from "../../core/lease-owner.js";
import { exitCodeFor, follow, summary, type Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { resolveCheckpointId, resolveRunId } from "../run-ids.js";

export async function resumeCommand(runText: string, opts: { checkpoint?: string }, out: Output, settings?: Settings): Promise<number> {
  return withApp(
    async (app, interruption) => {
      const runId = await resolveRunId(app.engine.store, runText);
      const checkpointId = opts.checkpoint !== undefined ? await resolveCheckpointId(app.engine.store, runId, opts.checkpoint) : undefined;
      await app.engine.resumeRun(runId, checkpointId !== undefined ? { checkpointId } : {});
      out.write(`run ${runId} resumed\n`);
      const run = await follow(app, runId, out, interruption);
      out.write(summary(run));
      return exitCodeFor(run.status);
    },
    { settings },
  );
}

/** Takes over every run left running by a process that died, and follows them to the end. */
export async function recoverCommand(_opts: unknown, out: Output, settings?: Settings): Promise<number> {
  return withApp(
    async (app, interruption) => {
      const ids = await app.engine.recoverOrphans();
      // runs whose driver is silent but not provably gone: theirs until the lease expires
      const silent = await app.engine.silentRuns();
      for (const s of silent) {
        const left = Math.max(1, Math.ceil(s.expiresInMs / 1000));
        out.write(
          `run ${s.runId}: interrupted, lease expires in ${left} s (unless ${ownerLabel(s.owner)} still drives it); then: conveyor resume ${s.runId}\n`,
        );
      }
      if (ids.length === 0 && silent.length === 0) out.write("no interrupted runs\n");
      // every recovered run is resumable again if this one is interrupted, not only the one on screen
      for (const id of ids) interruption.runIds.add(id);
      let code = 0;
      for (const id of ids) {
        out.write(`recovering run ${id}\n`);
        const run = await follow(app, id, out, interruption);
        out.write(summary(run));
        code = Math.max(code, exitCodeFor(run.status));
      }
      return code;
    },
    { settings },
  );
}
