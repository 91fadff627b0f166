// Per-unit runtime facts of a driven run, kept compact (typed arrays, sparse
// maps) because a run may hold 100,000 units. The schedule owns statuses; this
// table owns everything else a task row records.
import { createHash } from "node:crypto";
import { runLengths } from "../core/run-lengths.js";
import type { Schedule } from "../core/scheduler.js";
import type { CheckpointSnapshot, RunCounters, StoredUnit, TaskState } from "./store.js";

export class UnitTable {
  readonly attempts: Uint32Array;
  /** Attempts made in this session: retry decisions count these, so a resume gets fresh retries. */
  readonly tries: Uint32Array;
  private readonly memoized: Uint8Array;
  private memoizedCount = 0;
  readonly startedAt: Float64Array;
  readonly finishedAt: Float64Array;
  readonly errors = new Map<number, string>();
  private readonly results = new Map<number, unknown>();
  readonly progress = new Map<number, number>();
  private readonly resultsDigest = Buffer.alloc(32);

  constructor(units: readonly StoredUnit[]) {
    const n = units.length;
    this.attempts = new Uint32Array(n);
    this.tries = new Uint32Array(n);
    this.memoized = new Uint8Array(n);
    this.startedAt = new Float64Array(n).fill(Number.NaN);
    this.finishedAt = new Float64Array(n).fill(Number.NaN);
    units.forEach((u, i) => {
      const s = u.state;
      this.attempts[i] = s.attempts;
      if (s.memoized) this.markMemoized(i);
      if (s.startedAt !== null) this.startedAt[i] = s.startedAt;
      if (s.finishedAt !== null) this.finishedAt[i] = s.finishedAt;
      if (s.error !== null) this.errors.set(i, s.error);
      if (s.result !== undefined) this.setResult(i, s.result);
      if (s.progress !== null) this.progress.set(i, s.progress);
    });
  }

  isMemoized(i: number): boolean {
    return this.memoized[i] === 1;
  }

  markMemoized(i: number): void {
    if (this.memoized[i] === 0) this.memoizedCount++;
    this.memoized[i] = 1;
  }

  result(i: number): unknown {
    return this.results.get(i);
  }

  setResult(i: number, result: unknown): void {
    this.dropResult(i);
    if (result === undefined) return;
    this.results.set(i, result);
    this.foldDigest(i, result);
  }

  private dropResult(i: number): void {
    if (!this.results.has(i)) return;
    // XOR is its own inverse: folding the old result again removes it
    this.foldDigest(i, this.results.get(i));
    this.results.delete(i);
  }

  private foldDigest(i: number, result: unknown): void {
    const h = createHash("sha256").update(`${i}:${JSON.stringify(result)}`).digest();
    for (let k = 0; k < 32; k++) this.resultsDigest[k]! ^= h[k]!;
  }

  /** Forgets the outcome of a unit going back to pending. */
  clear(i: number): void {
    this.memoizedCount -= this.memoized[i]!;
    this.memoized[i] = 0;
    this.startedAt[i] = Number.NaN;
    this.finishedAt[i] = Number.NaN;
    this.errors.delete(i);
    this.dropResult(i);
    this.progress.delete(i);
  }

  row(i: number, schedule: Schedule): TaskState {
    const num = (x: number) => (Number.isNaN(x) ? null : x);
    return {
      index: i,
      status: schedule.statusOf(i),
      attempts: this.attempts[i]!,
      memoized: this.memoized[i] === 1,
      blockedBy: schedule.blockerOf(i),
      error: this.errors.get(i) ?? null,
      result: this.results.get(i),
      progress: this.progress.get(i) ?? null,
      startedAt: num(this.startedAt[i]!),
      finishedAt: num(this.finishedAt[i]!),
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
      attempts: runLengths(this.attempts),
      resultsDigest: this.resultsDigest.toString("hex"),
    };
  }
}
