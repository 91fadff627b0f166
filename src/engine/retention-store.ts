// The port retention works through: reading finished runs, deleting one, and
// the lease that lets one replica at a time prune. Outcomes are data; the
// callers (the API, the CLI, the background pruner) decide what they mean.
import type { RunStatus } from "../core/status.js";

export interface FinishedRunRow {
  id: string;
  status: RunStatus;
  /** finished_at, or the last change for a run settled without finishing (cancelled before it started). */
  finishedAt: number;
  /** The run's own `retention` option as given at start ("7d"), if any. */
  retention: string | null;
  /** Whether its hot rows were already folded into an archive. */
  archived: boolean;
}

/** Rows removed per table. */
export interface DeletedRows {
  runs: number;
  taskRuns: number;
  attempts: number;
  eventPages: number;
  checkpoints: number;
}

export type DeleteOutcome =
  | { kind: "deleted"; rows: DeletedRows }
  | { kind: "missing" }
  /** Not settled (pending, running, paused; or left running by a driver that is gone). */
  | { kind: "unfinished"; status: RunStatus }
  /** Settled, but another process holds its lease (resuming it, or deleting it). */
  | { kind: "busy" };

/** Hot rows folded into a run's archive, per table, and the archive's size. */
export interface ArchivedRows {
  taskRuns: number;
  attempts: number;
  eventPages: number;
  checkpoints: number;
  /** Bytes of the archive's compressed parts. */
  bytes: number;
}

export type ArchiveOutcome =
  | { kind: "archived"; rows: ArchivedRows }
  | { kind: "missing" }
  | { kind: "archived-already" }
  | { kind: "unfinished"; status: RunStatus }
  | { kind: "busy" };

/** What a prune does to the runs its policy chooses. */
export type RetentionAction = "delete" | "archive";

/** Memo cache entries removed by expiry. */
export interface MemoExpiry {
  /** Older than the time to live. */
  expired: number;
  /** Beyond the most entries kept, oldest first. */
  evicted: number;
}

export interface RetentionStore {
  /** Settled runs, oldest finish first, with `statuses` only when given. */
  finishedRuns(statuses?: RunStatus[]): Promise<FinishedRunRow[]>;
  /**
   * Deletes a settled run and its rows, `batch` rows per statement, under its lease (taken as
   * `owner`), so nobody resumes it half-deleted; the run row goes last.
   */
  deleteRun(runId: string, owner: string, batch?: number): Promise<DeleteOutcome>;
  /**
   * Folds a settled run's units, attempts and events into one compressed archive row and
   * deletes its hot rows, in one transaction under its lease; the run's row stays, archived.
   */
  archiveRun(runId: string, owner: string): Promise<ArchiveOutcome>;
  /** Removes memo cache entries older than `ttlMs` and, oldest first, beyond `maxEntries`; at most `batch` rows per statement. */
  expireMemo(policy: { ttlMs?: number; maxEntries?: number }, batch?: number): Promise<MemoExpiry>;
  /** Takes or renews the lease on chore `name` for `owner`; false when another holds it. */
  takeChoreLease(name: string, owner: string, leaseMs: number): Promise<boolean>;
  releaseChoreLease(name: string, owner: string): Promise<void>;
}
