// A driven run's unit transitions. Each is one call that changes every place
// holding a unit: its status in the schedule, its facts in the unit table, its
// attempt row, event, memo entry and dirty row in the journal's pending batch,
// and the journal's count toward the next checkpoint; so every batch commits a
// transition whole. Nothing else changes the unit table or adds a unit's writes;
// the supervisor only takes the next ready unit from the schedule (which `start`,
// `memoize` or `succeedGroup` then records) and pauses it.
import type { AttemptFacts, RunEventDataMap } from "../core/events.js";
import type { Schedule } from "../core/scheduler.js";
import type { Clock } from "./ports.js";
import type { RunJournal } from "./run-journal.js";
import type { AttemptRecord } from "./store.js";
import type { UnitCatalog } from "./unit-catalog.js";
import type { UnitTable } from "./unit-table.js";

/** The events a unit settles with. */
type Settled = "task.succeeded" | "task.memoized" | "task.failed" | "task.skipped" | "task.cancelled";

/** An ended attempt's row: as it is stored, with its end known. */
type EndedRow = AttemptRecord & { finishedAt: number };

/** An attempt that ended: its row, as it is stored, and what a success returned. */
export interface EndedAttempt {
  readonly row: EndedRow;
  readonly result: unknown;
}

/** What an ended attempt adds to its unit's event: read from its row, the one shape of the outcome. */
function attemptData(a: EndedRow): AttemptFacts {
  return { attempt: a.number, durationMs: a.finishedAt - a.startedAt, exitCode: a.exitCode };
}

export class UnitTransitions {
  constructor(
    private readonly units: UnitCatalog,
    private readonly schedule: Schedule,
    private readonly table: UnitTable,
    private readonly journal: RunJournal,
    private readonly clock: Clock,
  ) {}

  /** A unit the schedule just handed out begins its next attempt; returns the attempt's number. */
  start(i: number): number {
    const attempt = this.table.beginAttempt(i, this.clock.now());
    // the task row (running, attempt n, started at) records the start; the attempt row is
    // written once, when the attempt ends, which halves the rows a batch carries
    this.journal.touch(i);
    this.journal.emit("task.started", this.units.id(i), { attempt });
    return attempt;
  }

  /** A running attempt reports progress; `event` when the attempt runner lets it show as an event. */
  progressed(i: number, fraction: number, event: { message?: string } | undefined): void {
    this.table.setProgress(i, fraction);
    this.journal.touch(i);
    if (event)
      this.journal.emit("task.progress", this.units.id(i), { progress: fraction, ...(event.message ? { message: event.message } : {}) });
    this.journal.commitSoon();
  }

  /** A group has nothing to run: it succeeds once the schedule hands it out. */
  succeedGroup(i: number): void {
    this.schedule.succeed(i);
    this.settled(i, "task.succeeded", { group: true });
  }

  /** Succeeds with the result an earlier run recorded for the same memo key. */
  memoize(i: number, result: unknown): void {
    this.schedule.succeed(i);
    this.table.markMemoized(i);
    this.table.setResult(i, result);
    this.settled(i, "task.memoized", {});
  }

  /** The attempt succeeded: the unit succeeds with its result, which later runs may reuse. */
  succeed(i: number, a: EndedAttempt): void {
    this.attemptEnded(i, a.row);
    this.schedule.succeed(i);
    this.table.setResult(i, a.result);
    this.table.clearError(i);
    this.journal.recordMemo({
      memoKey: this.units.memoKey(i),
      taskId: this.units.id(i),
      result: a.result,
      durationMs: a.row.finishedAt - a.row.startedAt,
    });
    this.settled(i, "task.succeeded", attemptData(a.row));
  }

  /** The attempt ended while the run was ending (cancelled, timed out): the unit is cancelled. */
  cancel(i: number, a: EndedAttempt, reason: string | null): void {
    this.attemptEnded(i, a.row);
    this.schedule.cancel(i);
    this.table.setError(i, a.row.error ?? reason ?? "cancelled");
    this.settled(i, "task.cancelled", { ...attemptData(a.row), reason });
  }

  /** Every unit not yet started or settled is cancelled. */
  cancelPending(reason: string): void {
    for (const i of this.schedule.cancelPending()) this.settled(i, "task.cancelled", { reason });
  }

  /** The attempt failed and its task runs again after a backoff of `delayMs`. */
  retryLater(i: number, a: EndedAttempt, delayMs: number): void {
    this.attemptEnded(i, a.row);
    const error = failure(a.row);
    this.table.setError(i, error);
    this.schedule.retryLater(i);
    this.journal.touch(i);
    this.journal.emit("task.retrying", this.units.id(i), { ...attemptData(a.row), error, delayMs });
  }

  /** The backoff has passed: the task waits for its turn again. */
  requeue(i: number): void {
    this.schedule.requeue(i);
    this.journal.touch(i);
  }

  /** The attempt failed for good (`final` says why no retry); skips the dependents it leaves unable to run. Returns the error. */
  fail(i: number, a: EndedAttempt, final: string): string {
    this.attemptEnded(i, a.row);
    const error = failure(a.row);
    this.table.setError(i, error);
    const skips = this.schedule.fail(i);
    this.settled(i, "task.failed", { ...attemptData(a.row), error, final });
    const id = this.units.id(i);
    for (const s of skips) {
      const reason = `dependency ${id} failed`;
      this.table.setError(s.index, reason);
      this.settled(s.index, "task.skipped", { reason, dependency: id });
    }
    return error;
  }

  /** A failed or cancelled task goes back to pending with fresh retries, and so do the dependents its failure skipped. */
  reopen(i: number): void {
    const reopened = this.schedule.reopen(i);
    for (const j of [i, ...reopened]) {
      this.reset(j);
      this.table.freshTries(j);
    }
    this.journal.emit("task.reopened", this.units.id(i), { reopened: reopened.map((j) => this.units.id(j)) });
  }

  /** A failed task declared done or skipped by hand; the dependents its failure skipped go back to pending. */
  settleByHand(i: number, status: "succeeded" | "skipped"): void {
    for (const j of this.schedule.settleByHand(i, status)) this.reset(j);
    this.table.setError(i, `marked ${status === "succeeded" ? "done" : "skipped"} by hand`);
    this.settled(i, status === "succeeded" ? "task.succeeded" : "task.skipped", { byHand: true });
  }

  /**
   * The unit was running under the run's previous driver, which stopped: its attempt is
   * recorded as failed, and the unit is to run again.
   */
  interrupted(i: number, startedAt: number | null): void {
    const n = this.table.attempts(i);
    if (n > 0) {
      const now = this.clock.now();
      const error = "interrupted: the process driving the run stopped";
      this.journal.recordAttempt({
        index: i,
        number: n,
        status: "failed",
        startedAt: startedAt ?? now,
        finishedAt: now,
        exitCode: null,
        error,
        stdoutTail: null,
        stderrTail: null,
      });
    }
    this.reset(i);
  }

  /** Forgets the recorded outcome of a unit that is to run again. */
  reset(i: number): void {
    this.table.clear(i);
    this.journal.touch(i);
  }

  /** An attempt's row, and the times the executor reported for it. */
  private attemptEnded(i: number, row: EndedRow): void {
    this.journal.recordAttempt(row);
    this.table.attemptTimes(i, row.startedAt, row.finishedAt);
  }

  /** Records a unit's terminal transition and counts it toward the next checkpoint. */
  private settled<K extends Settled>(i: number, type: K, data: RunEventDataMap[K]): void {
    this.table.settledAt(i, this.clock.now());
    this.journal.touch(i);
    this.journal.emit(type, this.units.id(i), data);
    this.journal.countSettled();
  }
}

/** A failed attempt's error, as its unit records it. */
function failure(row: AttemptRecord): string {
  return row.error ?? `exit code ${row.exitCode}`;
}
