// Per-unit runtime facts of a driven run, kept compact (typed arrays, sparse
// maps) because a run may hold 100,000 units. The schedule owns statuses; this
// table owns everything else a task row records. Its arrays are private: the
// unit transitions (unit-transitions.ts) change them through the methods below,
// and everyone else holds a `UnitTableView`, which only reads.
import { createHash } from "node:crypto";
import { runLengths } from "../core/run-lengths.js";
import type { Schedule } from "../core/scheduler.js";
import type { CheckpointSnapshot, RunCounters, StoredUnit, TaskState } from "./store.js";

/** What a unit table tells those that only read it (the supervisor, live progress, the attempt runner). */
export type UnitTableView = Pick<UnitTable, "attempts" | "tries" | "startedAt" | "finishedAt" | "isMemoized" | "counters">;

const orNull = (x: number) => (Number.isNaN(x) ? null : x);

export class UnitTable {
  private readonly attemptNo: Uint32Array;
  /** Attempts made in this session: retry decisions count these, so a resume gets fresh retries. */
  private readonly tryNo: Uint32Array;
  private readonly memoized: Uint8Array;
  private memoizedCount = 0;
  private readonly started: Float64Array;
  private readonly finished: Float64Array;
  private readonly errors = new Map<number, string>();
  /**
   * Results not yet committed. Once its row commits a result leaves memory (a run of
   * 100,000 tasks with 1 KB results would otherwise hold 100 MB until it ends): the
   * row keeps it, and later writes of the row leave it there (`resultKept`).
   */
  private readonly uncommitted = new Map<number, unknown>();
  /** 1 where the unit's committed row holds its result. */
  private readonly stored: Uint8Array;
  /** Each unit's result hash (32 bytes at 32·i), to fold out of the digest without the result; made at the first result. */
  private hashes: Buffer | undefined;
  private readonly hashed: Uint8Array;
  private readonly progress = new Map<number, number>();
  private readonly resultsDigest = Buffer.alloc(32);

  constructor(units: readonly StoredUnit[]) {
    const n = units.length;
    this.stored = new Uint8Array(n);
    this.hashed = new Uint8Array(n);
    this.attemptNo = new Uint32Array(n);
    this.tryNo = new Uint32Array(n);
    this.memoized = new Uint8Array(n);
    this.started = new Float64Array(n).fill(Number.NaN);
    this.finished = new Float64Array(n).fill(Number.NaN);
    units.forEach((u, i) => {
      const s = u.state;
      this.attemptNo[i] = s.attempts;
      if (s.memoized) this.markMemoized(i);
      if (s.startedAt !== null) this.started[i] = s.startedAt;
      if (s.finishedAt !== null) this.finished[i] = s.finishedAt;
      if (s.error !== null) this.errors.set(i, s.error);
      if (s.result !== undefined) {
        // read back from the row: it is there already
        this.foldIn(i, s.result);
        this.stored[i] = 1;
      }
      if (s.progress !== null) this.progress.set(i, s.progress);
    });
  }

  // ---- reading ---------------------------------------------------------------------------

  /** The number of the unit's latest attempt, across every driver of the run. */
  attempts(i: number): number {
    return this.attemptNo[i]!;
  }

  /** Attempts made in this session. */
  tries(i: number): number {
    return this.tryNo[i]!;
  }

  startedAt(i: number): number | null {
    return orNull(this.started[i]!);
  }

  finishedAt(i: number): number | null {
    return orNull(this.finished[i]!);
  }

  isMemoized(i: number): boolean {
    return this.memoized[i] === 1;
  }

  // ---- changing (unit-transitions.ts only) -------------------------------------------------

  /** Begins the unit's next attempt now; returns its number. */
  beginAttempt(i: number, now: number): number {
    this.tryNo[i]!++;
    this.started[i] = now;
    this.finished[i] = Number.NaN;
    return ++this.attemptNo[i]!;
  }

  /** The times the executor reports for the attempt that just ended. */
  attemptTimes(i: number, startedAt: number, finishedAt: number): void {
    this.started[i] = startedAt;
    this.finished[i] = finishedAt;
  }

  /** The unit settled now, unless an attempt's end already gave its time. */
  settledAt(i: number, now: number): void {
    if (Number.isNaN(this.finished[i]!)) this.finished[i] = now;
  }

  /** The unit goes back to pending with its retries in this session unspent. */
  freshTries(i: number): void {
    this.tryNo[i] = 0;
  }

  setError(i: number, error: string): void {
    this.errors.set(i, error);
  }

  clearError(i: number): void {
    this.errors.delete(i);
  }

  setProgress(i: number, fraction: number): void {
    this.progress.set(i, fraction);
  }

  markMemoized(i: number): void {
    if (this.memoized[i] === 0) this.memoizedCount++;
    this.memoized[i] = 1;
  }

  setResult(i: number, result: unknown): void {
    this.dropResult(i);
    if (result === undefined) return;
    this.uncommitted.set(i, result);
    this.foldIn(i, result);
  }

  /** The rows of a batch are committed (the journal, after its commit): the results they carried leave memory. */
  resultsCommitted(rows: readonly TaskState[]): void {
    for (const row of rows) {
      // a newer result set while the batch was in flight stays until its own commit
      if (row.result === undefined || this.uncommitted.get(row.index) !== row.result) continue;
      this.uncommitted.delete(row.index);
      this.stored[row.index] = 1;
    }
  }

  private dropResult(i: number): void {
    this.uncommitted.delete(i);
    this.stored[i] = 0;
    if (this.hashed[i] === 0) return;
    // XOR is its own inverse: folding the old result's hash again removes it
    this.fold(this.hashes!.subarray(32 * i, 32 * i + 32));
    this.hashed[i] = 0;
  }

  private foldIn(i: number, result: unknown): void {
    this.hashes ??= Buffer.alloc(32 * this.stored.length);
    const h = createHash("sha256")
      .update(`${i}:${JSON.stringify(result)}`)
      .digest();
    h.copy(this.hashes, 32 * i);
    this.hashed[i] = 1;
    this.fold(h);
  }

  private fold(h: Uint8Array): void {
    for (let k = 0; k < 32; k++) this.resultsDigest[k]! ^= h[k]!;
  }

  /** Forgets the outcome of a unit going back to pending. */
  clear(i: number): void {
    this.memoizedCount -= this.memoized[i]!;
    this.memoized[i] = 0;
    this.started[i] = Number.NaN;
    this.finished[i] = Number.NaN;
    this.errors.delete(i);
    this.dropResult(i);
    this.progress.delete(i);
  }

  // ---- for the writer --------------------------------------------------------------------

  row(i: number, schedule: Schedule): TaskState {
    return {
      index: i,
      status: schedule.statusOf(i),
      attempts: this.attemptNo[i]!,
      memoized: this.memoized[i] === 1,
      blockedBy: schedule.blockerOf(i),
      error: this.errors.get(i) ?? null,
      result: this.uncommitted.get(i),
      resultKept: this.stored[i] === 1,
      progress: this.progress.get(i) ?? null,
      startedAt: orNull(this.started[i]!),
      finishedAt: orNull(this.finished[i]!),
    };
  }

  counters(schedule: Schedule): RunCounters {
    return {
      total: schedule.size,
      pending: schedule.count("pending") + schedule.count("retrying"),
      running: schedule.count("running"),
      succeeded: schedule.count("succeeded"),
      failed: schedule.count("failed"),
      skipped: schedule.count("skipped"),
      cancelled: schedule.count("cancelled"),
      memoized: this.memoizedCount,
    };
  }

  snapshot(schedule: Schedule, base: Pick<CheckpointSnapshot, "status" | "lastSeq">): CheckpointSnapshot {
    return {
      ...base,
      counters: this.counters(schedule),
      statuses: schedule.statusRuns(),
      attempts: runLengths(this.attemptNo),
      resultsDigest: this.resultsDigest.toString("hex"),
    };
  }
}
