// A driven run's unit transitions, each made at once in the three places that
// hold a unit: its status in the schedule, its row in the unit table, and its
// event and dirty row in the journal, so that every batch commits them together.
import type { RunEventDataMap } from "../core/events.js";
import type { Schedule } from "../core/scheduler.js";
import type { Clock } from "./ports.js";
import type { RunJournal } from "./run-journal.js";
import type { UnitCatalog } from "./unit-catalog.js";
import type { UnitTable } from "./unit-table.js";

/** The events a unit settles with. */
type Settled = "task.succeeded" | "task.memoized" | "task.failed" | "task.skipped" | "task.cancelled";

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
    const attempt = ++this.table.attempts[i]!;
    this.table.tries[i]!++;
    this.table.startedAt[i] = this.clock.now();
    this.table.finishedAt[i] = Number.NaN;
    // the task row (running, attempt n, started at) records the start; the attempt row is
    // written once, when the attempt ends, which halves the rows a batch carries
    this.journal.current.dirty.add(i);
    this.journal.emit("task.started", this.units.id(i), { attempt });
    return attempt;
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

  succeed(i: number, result: unknown, data: RunEventDataMap["task.succeeded"]): void {
    this.schedule.succeed(i);
    this.table.setResult(i, result);
    this.table.errors.delete(i);
    this.journal.current.memo.push({ memoKey: this.units.memoKey(i), taskId: this.units.id(i), result });
    this.settled(i, "task.succeeded", data);
  }

  cancel(i: number, error: string, data: RunEventDataMap["task.cancelled"]): void {
    this.schedule.cancel(i);
    this.table.errors.set(i, error);
    this.settled(i, "task.cancelled", data);
  }

  /** Every unit not yet started or settled is cancelled. */
  cancelPending(reason: string): void {
    for (const i of this.schedule.cancelPending()) this.settled(i, "task.cancelled", { reason });
  }

  /** A failed attempt whose task runs again after a backoff. */
  retryLater(i: number, error: string, data: RunEventDataMap["task.retrying"]): void {
    this.table.errors.set(i, error);
    this.schedule.retryLater(i);
    this.journal.current.dirty.add(i);
    this.journal.emit("task.retrying", this.units.id(i), data);
  }

  /** The backoff has passed: the task waits for its turn again. */
  requeue(i: number): void {
    this.schedule.requeue(i);
    this.journal.current.dirty.add(i);
  }

  /** A final failure; skips the dependents it leaves unable to run. */
  fail(i: number, error: string, data: RunEventDataMap["task.failed"]): void {
    this.table.errors.set(i, error);
    const skips = this.schedule.fail(i);
    this.settled(i, "task.failed", data);
    const id = this.units.id(i);
    for (const s of skips) {
      const reason = `dependency ${id} failed`;
      this.table.errors.set(s.index, reason);
      this.settled(s.index, "task.skipped", { reason, dependency: id });
    }
  }

  /** A failed or cancelled task goes back to pending with fresh retries, and so do the dependents its failure skipped. */
  reopen(i: number): void {
    const reopened = this.schedule.reopen(i);
    for (const j of [i, ...reopened]) {
      this.reset(j);
      this.table.tries[j] = 0;
    }
    this.journal.emit("task.reopened", this.units.id(i), { reopened: reopened.map((j) => this.units.id(j)) });
  }

  /** A failed task declared done or skipped by hand; the dependents its failure skipped go back to pending. */
  settleByHand(i: number, status: "succeeded" | "skipped"): void {
    for (const j of this.schedule.settleByHand(i, status)) this.reset(j);
    this.table.errors.set(i, `marked ${status === "succeeded" ? "done" : "skipped"} by hand`);
    this.settled(i, status === "succeeded" ? "task.succeeded" : "task.skipped", { byHand: true });
  }

  /** Forgets the recorded outcome of a unit that is to run again. */
  reset(i: number): void {
    this.table.clear(i);
    this.journal.current.dirty.add(i);
  }

  /** Records a unit's terminal transition and counts it toward the next checkpoint. */
  private settled<K extends Settled>(i: number, type: K, data: RunEventDataMap[K]): void {
    if (Number.isNaN(this.table.finishedAt[i]!)) this.table.finishedAt[i] = this.clock.now();
    this.journal.current.dirty.add(i);
    this.journal.emit(type, this.units.id(i), data);
    this.journal.countSettled();
  }
}
