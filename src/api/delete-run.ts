// Deleting a run for GraphQL and REST: the store's outcome as the domain's errors.
import { RunNotFinishedError, RunNotFoundError, StoreLockedError } from "../core/errors.js";
import { runState } from "../core/run-state.js";
import type { Engine } from "../engine/engine.js";
import type { DeletedRows, RetentionStore } from "../engine/retention-store.js";

export async function deleteRun(retention: RetentionStore, engine: Engine, runId: string): Promise<DeletedRows> {
  const outcome = await retention.deleteRun(runId, engine.owner);
  switch (outcome.kind) {
    case "deleted":
      return outcome.rows;
    case "missing":
      throw new RunNotFoundError(runId);
    case "unfinished": {
      const run = await engine.store.getRun(runId);
      const state = run ? engine.runState(run) : runState({ status: outcome.status, leaseOwner: null, leaseExpiresAt: null }, 0, false);
      throw new RunNotFinishedError(runId, state);
    }
    case "busy":
      throw new StoreLockedError(`run ${runId} is being resumed or deleted by another process; try again`);
  }
}
