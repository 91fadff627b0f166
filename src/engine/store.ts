// The store port: what the engine persists and reads back. Every write goes
// through `commit`, one atomic batch, fenced by the run's lease.
import type { AttemptStatus, RunStatus, TaskStatus } from "../core/status.js";
import type { PlanUnit } from "../core/task.js";
import type { RunEventCounters } from "../core/events.js";
import type { RunOptions } from "../core/run-options.js";
import type { RunEvent } from "./ports.js";

/** A run's task counts: the ones run.finished carries. */
export type RunCounters = RunEventCounters;

export interface RunSourceInfo {
  origin: string;
  tag?: string;
  format: string;
  selection?: string;
  warnings: string[];
}

export interface RunRecord extends RunCounters {
  id: string;
  status: RunStatus;
  options: RunOptions;
  source: RunSourceInfo;
  lastSeq: number;
  finishedSinceCheckpoint: number;
  reason: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  /** When its hot rows were folded into an archive (docs/retention.md); null while they are hot. */
  archivedAt: number | null;
}

export interface TaskState {
  index: number;
  status: TaskStatus;
  attempts: number;
  memoized: boolean;
  blockedBy: number | null;
  error: string | null;
  result: unknown;
  /** Written rows only: the row holds this unit's result already, so `result` is left out and the stored one kept. */
  resultKept?: boolean;
  progress: number | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface StoredUnit extends PlanUnit {
  state: TaskState;
}

export type { AttemptStatus };

export interface AttemptRecord {
  index: number;
  number: number;
  status: AttemptStatus;
  startedAt: number;
  finishedAt: number | null;
  exitCode: number | null;
  error: string | null;
  stdoutTail: string | null;
  stderrTail: string | null;
}

export interface CheckpointRecord {
  id: string;
  runId: string;
  seq: number;
  reason: string;
  snapshot: CheckpointSnapshot;
  createdAt: number;
}

/**
 * Everything needed to resume: statuses and attempt counts (run-length encoded
 * over units in index order, so a snapshot stays small however large the run),
 * a digest of all results, counters and the last event sequence.
 */
export interface CheckpointSnapshot {
  status: RunStatus;
  counters: RunCounters;
  lastSeq: number;
  /** [status, count] runs over units in index order. */
  statuses: [TaskStatus, number][];
  /** [attempts, count] runs over units in index order. */
  attempts: [number, number][];
  /** XOR of sha256(index, result JSON) over units with a result: order-free, kept up to date per change. */
  resultsDigest: string;
}

export interface MemoEntry {
  memoKey: string;
  taskId: string;
  result: unknown;
}

/** Cached results by memo key (within an age limit), and the mean duration of every key's earlier successes (whatever their age). */
export interface MemoFound {
  memo: Map<string, MemoEntry>;
  durations: Map<string, number>;
}

/** A success's memo entry as a commit writes it: with how long the success took, which the entry's durations add up. */
export interface MemoWrite extends MemoEntry {
  durationMs: number;
}

export interface RunUpdate extends RunCounters {
  status: RunStatus;
  lastSeq: number;
  finishedSinceCheckpoint: number;
  reason: string | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface CommitBatch {
  runId: string;
  owner: string;
  run: RunUpdate;
  tasks: TaskState[];
  attempts: AttemptRecord[];
  events: RunEvent[];
  memo: MemoWrite[];
  checkpoint?: { id: string; seq: number; reason: string; snapshot: CheckpointSnapshot; keep: number };
  /**
   * The run span's W3C traceparent, on the first commit of a drive of a run that has none kept
   * (tracing on): kept on the run unless one is already, in the same statement as the commit, so
   * a run that got as far as its first commit always continues its trace after a crash.
   */
  traceParent?: string;
}

export interface NewRun {
  id: string;
  options: RunOptions;
  source: RunSourceInfo;
  units: PlanUnit[];
  createdAt: number;
}

export interface RunFilter {
  statuses?: RunStatus[];
  /** true: archived runs only; false: runs not archived only; unset: both. */
  archived?: boolean;
  limit?: number;
  before?: number;
}

/** A run to take over: `from`, the owner of its lease when that owner is proved gone. */
export interface OrphanClaim {
  runId: string;
  from?: string;
}

export interface LeasedRun {
  id: string;
  owner: string;
  expiresInMs: number;
}

export interface RunStore {
  /** Inserts the run and its units, leased to `owner`; returns the run as written. */
  createRun(run: NewRun, owner: string, leaseMs: number): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord | null>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /** How many runs have one of these stored statuses (all runs without them), archived or not when `archived` says. */
  countRuns(statuses?: RunStatus[], archived?: boolean): Promise<number>;
  /** Ids of runs that start with `prefix`, in id order, at most `limit` (a shortened id's candidates). */
  runIdsStartingWith(prefix: string, limit: number): Promise<string[]>;
  loadUnits(runId: string): Promise<StoredUnit[]>;
  listAttempts(runId: string, index?: number): Promise<AttemptRecord[]>;
  /**
   * Writes one batch atomically; throws LeaseLostError when `owner` no longer holds the lease,
   * StoreUnreachableError when the database cannot be reached or cannot write (the batch may
   * or may not have been written: the connection can fail after the commit).
   */
  commit(batch: CommitBatch): Promise<void>;
  /** Takes the lease when free, expired, already `owner`'s, or held by `from` (a driver proved gone). */
  acquireLease(runId: string, owner: string, leaseMs: number, from?: string): Promise<boolean>;
  /** Renews the leases `owner` holds on these runs; returns the ids it no longer holds. */
  renewLeases(runIds: string[], owner: string, leaseMs: number): Promise<string[]>;
  releaseLease(runId: string, owner: string): Promise<void>;
  /**
   * Takes the leases of these runs at once where each is still left running, pending or cancelling
   * and its lease is free, expired, `owner`'s or its claim's `from`; returns the runs taken, as written.
   * Runs another process is writing right now are skipped, not waited for.
   */
  takeOrphans(claims: readonly OrphanClaim[], owner: string, leaseMs: number): Promise<RunRecord[]>;
  /** The units of each of these runs (in index order), read together. */
  loadUnitsOf(runIds: readonly string[]): Promise<Map<string, StoredUnit[]>>;
  /**
   * Writes batches of different runs atomically in one go, each fenced by its own lease; returns the
   * ids of the runs written (the others' leases are lost); each batch carries what commit's does.
   */
  commitMany(batches: readonly CommitBatch[]): Promise<string[]>;
  /** Runs left running or pending whose lease is free or expired. */
  findOrphans(): Promise<string[]>;
  /** Runs left running or pending under a lease not yet expired, with its owner and time left by the database's clock. */
  leasedRuns(): Promise<LeasedRun[]>;
  /** Cached results for these memo keys, no older than maxAgeMs when given. */
  memoLookup(keys: string[], maxAgeMs?: number): Promise<Map<string, MemoEntry>>;
  /** The W3C traceparents of these runs' first run spans, kept with tracing on (runs with none are left out). */
  traceParentsOf(runIds: readonly string[]): Promise<Map<string, string>>;
  /** memoLookup and historicalDurations of the same keys, read together (a new run needs both). */
  memoAndDurations(keys: string[], maxAgeMs?: number): Promise<MemoFound>;
  /** Mean successful duration of earlier runs' tasks, by memo key. */
  historicalDurations(keys: string[]): Promise<Map<string, number>>;
  listCheckpoints(runId: string): Promise<CheckpointRecord[]>;
  getCheckpoint(id: string): Promise<CheckpointRecord | null>;
  readEvents(runId: string, afterSeq: number, limit: number): Promise<RunEvent[]>;
  /** Run changes (ports.ts isRunChange) of every run recorded at or after `since` (ms), oldest first, at most `limit`. */
  runChangesSince(since: number, limit: number): Promise<RunEvent[]>;
}

export class LeaseLostError extends Error {
  constructor(readonly runId: string) {
    super(`lease on run ${runId} was lost to another process`);
    this.name = "LeaseLostError";
  }
}

/** The database could not be reached or refused to write for want of resources (disk full): worth trying again. */
export class StoreUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(`database unreachable: ${reason}`);
    this.name = "StoreUnreachableError";
  }
}
