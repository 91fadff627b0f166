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

export interface RetentionStore {
  /** Settled runs, oldest finish first, with `statuses` only when given. */
  finishedRuns(statuses?: RunStatus[]): Promise<FinishedRunRow[]>;
  /**
   * Deletes a settled run and its rows, `batch` rows per statement, under its lease (taken as
   * `owner`), so nobody resumes it half-deleted; the run row goes last.
   */
  deleteRun(runId: string, owner: string, batch?: number): Promise<DeleteOutcome>;
  /** Takes or renews the lease on chore `name` for `owner`; false when another holds it. */
  takeChoreLease(name: string, owner: string, leaseMs: number): Promise<boolean>;
  releaseChoreLease(name: string, owner: string): Promise<void>;
}
