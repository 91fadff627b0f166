// The retention port over the store's SQL: each operation in its own module.
import type { RetentionStore } from "../engine/retention-store.js";
import { releaseChoreLease, takeChoreLease } from "./chore-lease.js";
import type { Database } from "./database-handle.js";
import { deleteRun } from "./delete-run.js";
import { finishedRuns } from "./finished-runs.js";
import { archiveRun } from "./archive/archive-run.js";
import { expireMemo } from "./memo-expiry.js";
import { asUnreachable } from "./unreachable.js";

export class SqlRetentionStore implements RetentionStore {
  constructor(private readonly database: Database) {}

  finishedRuns: RetentionStore["finishedRuns"] = (statuses) => finishedRuns(this.database.sql, statuses).catch(asUnreachable);
  deleteRun: RetentionStore["deleteRun"] = (runId, owner, batch) => deleteRun(this.database.sql, runId, owner, batch).catch(asUnreachable);
  archiveRun: RetentionStore["archiveRun"] = (runId, owner) => archiveRun(this.database.sql, runId, owner).catch(asUnreachable);
  expireMemo: RetentionStore["expireMemo"] = (policy, batch) => expireMemo(this.database.sql, policy, batch).catch(asUnreachable);
  takeChoreLease: RetentionStore["takeChoreLease"] = (name, owner, ms) =>
    takeChoreLease(this.database.sql, name, owner, ms).catch(asUnreachable);
  releaseChoreLease: RetentionStore["releaseChoreLease"] = (name, owner) =>
    releaseChoreLease(this.database.sql, name, owner).catch(asUnreachable);
}
