// The pure heart of a run: which unit goes next, what a success unblocks, what
// a failure skips, and when the run is over. No clocks, no I/O: the supervisor
// feeds it outcomes and carries out the decisions it returns.
import type { DependencyGraph } from "./dependency-graph.js";
import { MinHeap } from "./heap.js";
import { runLengths } from "./run-lengths.js";
import { canTaskMove, type RunStatus, type TaskStatus, TASK_STATUSES } from "./status.js";

const CODE: Record<TaskStatus, number> = Object.fromEntries(TASK_STATUSES.map((s, i) => [s, i])) as Record<TaskStatus, number>;
const NO_BLOCK = -1;

export interface UnitState {
  status: TaskStatus;
  /** For skipped units: the failed dependency that caused the skip. */
  blockedBy?: number | null;
}

export interface ScheduleOptions {
  maxParallel: number;
  continueOnError: boolean;
}

export interface Skip {
  index: number;
  /** The failed unit whose failure skips it. */
  because: number;
}

export type Outcome =
  { finished: false } | { finished: true; status: Extract<RunStatus, "succeeded" | "completed_with_failures" | "failed" | "paused"> };

export class Schedule {
  private readonly status: Uint8Array;
  private readonly blockedBy: Int32Array;
  /** Dependencies of each unit not yet satisfied. */
  private readonly unmet: Int32Array;
  /** Reverse edges in compressed form: dependents of i are dependents[start[i]..start[i+1]). */
  private readonly start: Int32Array;
  private readonly dependents: Int32Array;
  private readonly ready = new MinHeap<number>((a, b) => a < b);
  private readonly counts = new Int32Array(TASK_STATUSES.length);
  /** Skipped units whose skip came from a failed dependency. */
  private blockedSkips = 0;
  private halted = false;
  paused = false;

  constructor(
    graph: DependencyGraph,
    initial: readonly UnitState[],
    private readonly options: ScheduleOptions,
  ) {
    const n = graph.size;
    this.status = new Uint8Array(n);
    this.blockedBy = new Int32Array(n).fill(NO_BLOCK);
    this.unmet = new Int32Array(n);
    this.start = new Int32Array(n + 1);
    const each = (fn: (i: number, d: number) => void) => {
      for (let i = 0; i < n; i++) {
        const ds = graph.deps(i);
        for (let k = 0; k < ds.length; k++) fn(i, ds[k]!);
      }
    };
    each((_, d) => this.start[d + 1]!++);
    for (let i = 0; i < n; i++) this.start[i + 1]! += this.start[i]!;
    this.dependents = new Int32Array(this.start[n]!);
    const fill = this.start.slice(0, n);
    each((i, d) => (this.dependents[fill[d]!++] = i));
    initial.forEach((s, i) => {
      this.status[i] = CODE[s.status];
      this.counts[CODE[s.status]]!++;
      if (s.blockedBy != null && s.status === "skipped") {
        this.blockedBy[i] = s.blockedBy;
        this.blockedSkips++;
      }
    });
    // a final failure already on record halts a run that does not continue on error
    if (!options.continueOnError && this.counts[CODE.failed]! > 0) this.halted = true;
    each((i, d) => {
      if (!this.satisfies(d)) this.unmet[i]!++;
    });
    for (let i = 0; i < n; i++) if (this.unmet[i] === 0 && this.status[i] === CODE.pending) this.ready.push(i);
  }

  get size(): number {
    return this.status.length;
  }

  statusOf(i: number): TaskStatus {
    return TASK_STATUSES[this.status[i]!]!;
  }

  blockerOf(i: number): number | null {
    const b = this.blockedBy[i]!;
    return b === NO_BLOCK ? null : b;
  }

  /** Statuses as [status, count] runs in index order: a checkpoint's compact form. */
  statusRuns(): [TaskStatus, number][] {
    return runLengths(this.status).map(([code, n]) => [TASK_STATUSES[code]!, n]);
  }

  count(s: TaskStatus): number {
    return this.counts[CODE[s]]!;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  /** Succeeded units, and units skipped on purpose (not because a dependency failed), let dependents go. */
  private satisfies(i: number): boolean {
    const s = this.status[i];
    return s === CODE.succeeded || (s === CODE.skipped && this.blockedBy[i] === NO_BLOCK);
  }

  private set(i: number, s: TaskStatus): void {
    const from = TASK_STATUSES[this.status[i]!]!;
    if (!canTaskMove(from, s)) throw new Error(`bug: unit ${i} cannot move from ${from} to ${s}`);
    this.counts[this.status[i]!]!--;
    this.status[i] = CODE[s];
    this.counts[CODE[s]]!++;
  }

  /** The next unit to start, marked running; undefined when nothing may start now. */
  next(): number | undefined {
    if (this.halted || this.paused) return undefined;
    if (this.counts[CODE.running]! >= this.options.maxParallel) return undefined;
    const i = this.ready.pop();
    if (i === undefined) return undefined;
    this.set(i, "running");
    return i;
  }

  /** Marks a unit succeeded; its newly ready dependents join the queue. */
  succeed(i: number): void {
    this.set(i, "succeeded");
    this.release(i);
  }

  private release(i: number): void {
    for (let k = this.start[i]!; k < this.start[i + 1]!; k++) {
      const dep = this.dependents[k]!;
      if (--this.unmet[dep]! === 0 && this.status[dep] === CODE.pending) this.ready.push(dep);
    }
  }

  /** A failed attempt that will be tried again later. */
  retryLater(i: number): void {
    this.set(i, "retrying");
  }

  /** A retrying unit whose backoff has elapsed goes back to the queue, at its own priority. */
  requeue(i: number): void {
    if (this.status[i] !== CODE.retrying) return;
    this.set(i, "pending");
    this.ready.push(i);
  }

  /**
   * A final failure. With continueOnError the unit's transitive dependents that
   * have not run are skipped (returned, so they can be recorded); otherwise the
   * run halts: nothing new starts.
   */
  fail(i: number): Skip[] {
    this.set(i, "failed");
    if (!this.options.continueOnError) {
      this.halted = true;
      return [];
    }
    const skipped: Skip[] = [];
    const stack = [i];
    while (stack.length > 0) {
      const j = stack.pop()!;
      for (let k = this.start[j]!; k < this.start[j + 1]!; k++) {
        const dep = this.dependents[k]!;
        if (this.status[dep] !== CODE.pending) continue;
        this.set(dep, "skipped");
        this.blockedBy[dep] = i;
        this.blockedSkips++;
        skipped.push({ index: dep, because: i });
        stack.push(dep);
      }
    }
    return skipped;
  }

  /** A unit stopped by cancellation. */
  cancel(i: number): void {
    this.set(i, "cancelled");
  }

  /** Every unit not yet settled is cancelled; returns them (running ones are the caller's to kill). */
  cancelPending(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.status.length; i++) {
      const s = this.status[i]!;
      if (s === CODE.pending || s === CODE.retrying) {
        this.set(i, "cancelled");
        out.push(i);
      }
    }
    this.halted = true;
    return out;
  }

  /**
   * Puts a failed (or cancelled) unit back in play, with the dependents its
   * failure had skipped; returns those dependents.
   */
  reopen(i: number): number[] {
    this.set(i, "pending");
    const reopened = this.unblock(i);
    if (this.unmet[i] === 0) this.ready.push(i);
    this.halted = false;
    return reopened;
  }

  /** A failed unit declared done or skipped by hand: its dependents go on. */
  settleByHand(i: number, status: "succeeded" | "skipped"): number[] {
    this.set(i, status);
    this.blockedBy[i] = NO_BLOCK;
    const reopened = this.unblock(i);
    this.release(i);
    this.halted = false;
    return reopened;
  }

  private unblock(failed: number): number[] {
    const reopened: number[] = [];
    for (let j = 0; j < this.status.length; j++) {
      if (this.blockedBy[j] === failed && this.status[j] === CODE.skipped) {
        this.blockedBy[j] = NO_BLOCK;
        this.blockedSkips--;
        this.set(j, "pending");
        reopened.push(j);
      }
    }
    for (const j of reopened) if (this.unmet[j] === 0) this.ready.push(j);
    return reopened;
  }

  outcome(): Outcome {
    if (this.counts[CODE.running]! > 0 || this.counts[CODE.retrying]! > 0) return { finished: false };
    if (this.halted) return { finished: true, status: "failed" };
    if (this.paused && this.counts[CODE.pending]! > 0) return { finished: true, status: "paused" };
    if (this.ready.size > 0) return { finished: false };
    // Nothing runs and nothing is ready: every unit is settled (the graph is acyclic).
    const failures = this.counts[CODE.failed]! + this.blockedSkips;
    return { finished: true, status: failures > 0 ? "completed_with_failures" : "succeeded" };
  }
}
