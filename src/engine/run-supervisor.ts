// Drives one run: asks the schedule what to start, has the executor run it, and
// records every transition in the run's journal, which commits them in batches
// and publishes events only once they are durable. One supervisor per run per
// process, fenced by a lease.
import type { Progress } from "../core/progress.js";
import { decideRetry } from "../core/retry.js";
import { Schedule, type UnitState } from "../core/scheduler.js";
import type { RunStatus, TaskStatus } from "../core/status.js";
import type { PendingWrites } from "./commit-queue.js";
import type { ExecutionOutcome, Executor } from "./executor.js";
import type { Clock, EventBus, Logger } from "./ports.js";
import type { AttemptStatus, MemoEntry, RunRecord, RunStore, StoredUnit } from "./store.js";
import { initialState, type DriveMode } from "./drive-mode.js";
import { RunJournal } from "./run-journal.js";
import { runProgress } from "./run-progress.js";
import { UnitCatalog } from "./unit-catalog.js";
import { UnitTable } from "./unit-table.js";

export interface SupervisorDeps {
  store: RunStore;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  owner: string;
  random: () => number;
  /** Whether this process certainly still holds the run's lease (see LeaseWindow). */
  leaseHeld: () => boolean;
}

export interface SupervisorInit {
  mode: DriveMode;
  /** Unit statuses to resume from instead of the stored ones (resume from a checkpoint). */
  statuses?: TaskStatus[];
  memo: Map<string, MemoEntry>;
  expectedMs: Map<string, number>;
}

const PROGRESS_EVENT_INTERVAL_MS = 1_000;
/**
 * Events a batch may gather before further starts wait for its commit: bounds
 * the work that a crash could make run again, lets the commit happen when tasks
 * finish within microtasks (in-process no-ops), and keeps each stretch of
 * synchronous work short. 128 measured as good as 512 at maxParallel 1 and 8 and
 * better at 64 (smaller batches overlap their commits with the next tasks).
 */
const EARLY_START_LIMIT = 128;

export class RunSupervisor {
  private readonly schedule: Schedule;
  private readonly table: UnitTable;
  private readonly units: UnitCatalog;
  private readonly journal: RunJournal;
  private readonly inflight = new Map<number, AbortController>();
  private readonly retryTimers = new Map<number, unknown>();
  private readonly lastProgressEvent = new Map<number, number>();
  private budgetUsedMs = 0;
  private ending: "cancelled" | "timed_out" | null = null;
  private runTimer: unknown = null;
  private started = false;
  private stopped = false;
  private finished = false;
  private resolveDone!: (status: RunStatus) => void;
  /** Settles when this supervisor stops driving: with the run's status, or "running" if interrupted. */
  readonly done = new Promise<RunStatus>((r) => (this.resolveDone = r));

  constructor(
    private readonly deps: SupervisorDeps,
    private readonly run: RunRecord,
    stored: StoredUnit[],
    private readonly executor: Executor,
    private readonly init: SupervisorInit,
  ) {
    const opts = run.options;
    this.units = new UnitCatalog(stored);
    const states = stored.map((u, i) => initialState(u, init.mode, init.statuses?.[i]));
    this.schedule = new Schedule(this.units, states, {
      maxParallel: opts.maxParallel,
      continueOnError: opts.continueOnError,
    });
    this.table = new UnitTable(stored);
    if (init.mode === "amend" && run.status === "paused") this.schedule.paused = true;
    this.journal = new RunJournal(deps, run, this.table, this.schedule, committedSuccesses(stored, states), (err) => this.abandon(err));
    this.recordDrift(stored, states);
  }

  /**
   * Records what changed between the stored rows and the state driven from.
   * A method of its own so that no closure of the constructor keeps the stored
   * rows alive (closures share their function's context in V8).
   */
  private recordDrift(stored: StoredUnit[], states: UnitState[]): void {
    const w = this.journal.current;
    for (let i = 0; i < states.length; i++) {
      const was = stored[i]!.state;
      if (states[i]!.status === was.status) continue;
      if (was.status === "running") this.interruptAttempt(i, was.startedAt, w);
      this.table.clear(i);
      w.dirty.add(i);
    }
  }

  get runId(): string {
    return this.run.id;
  }

  get runStatus(): RunStatus {
    return this.journal.status;
  }

  /** The run's record as of its last commit. */
  get committedRun(): RunRecord {
    return this.journal.committedRun;
  }

  get isStarted(): boolean {
    return this.started;
  }

  indexOf(taskId: string): number | undefined {
    return this.units.indexOf(taskId);
  }

  taskStatus(i: number): TaskStatus {
    return this.schedule.statusOf(i);
  }

  /** Begins driving. */
  start(): void {
    this.started = true;
    const now = this.deps.clock.now();
    if (this.init.mode === "start" || this.init.mode === "resume" || this.journal.startedAt === null) this.journal.startedAt = now;
    if (!this.schedule.paused) this.journal.setStatus("running", null);
    this.emit("run.started", undefined, { mode: this.init.mode, total: this.units.size });
    this.armRunTimeout();
    this.pump();
  }

  // ---- control ---------------------------------------------------------------------------

  pause(): void {
    if (this.journal.status !== "running") return;
    this.schedule.paused = true;
    this.journal.setStatus("paused", null);
    this.emit("run.paused", undefined, { running: this.inflight.size });
    this.executor.runPaused?.(this.run.id);
    this.settleIfDone();
  }

  /** Lifts a pause while running tasks are still finishing. */
  unpause(): void {
    this.schedule.paused = false;
    this.journal.setStatus("running", null);
    this.emit("run.resumed", undefined, {});
    this.executor.runResumed?.(this.run.id);
    this.pump();
  }

  cancel(reason = "cancelled by request"): void {
    // cancelling a run nobody was driving: settle it without dispatching anything
    this.started = true;
    this.halt("cancelled", reason);
  }

  private halt(ending: "cancelled" | "timed_out", reason: string): void {
    if (this.finished || this.ending) return;
    this.ending = ending;
    this.journal.reason = reason;
    this.clearTimers();
    for (const i of this.schedule.cancelPending()) this.settled(i, "task.cancelled", { reason });
    for (const ac of this.inflight.values()) ac.abort();
    this.executor.runCancelled?.(this.run.id);
    this.emit(ending === "cancelled" ? "run.cancelling" : "run.timing_out", undefined, { reason });
    this.settleIfDone();
  }

  /** A failed or cancelled task goes back to pending (with the dependents its failure skipped). */
  retryTask(i: number): void {
    const reopened = this.schedule.reopen(i);
    for (const j of [i, ...reopened]) {
      this.table.clear(j);
      this.table.tries[j] = 0;
      this.journal.current.dirty.add(j);
    }
    this.emit("task.reopened", this.units.id(i), { reopened: reopened.map((j) => this.units.id(j)) });
    this.pump();
  }

  /** A failed task declared done or skipped by hand; its dependents go on. */
  settleTask(i: number, status: "succeeded" | "skipped"): void {
    const reopened = this.schedule.settleByHand(i, status);
    for (const j of reopened) {
      this.table.clear(j);
      this.journal.current.dirty.add(j);
    }
    this.table.errors.set(i, `marked ${status === "succeeded" ? "done" : "skipped"} by hand`);
    this.settled(i, status === "succeeded" ? "task.succeeded" : "task.skipped", { byHand: true });
    this.pump();
  }

  /** Takes a checkpoint now; resolves with its id once committed. */
  checkpoint(reason = "on demand"): Promise<string> {
    return this.journal.checkpoint(reason);
  }

  /**
   * Stops driving without settling the run (shutdown): running tasks are killed
   * and will run again under whoever drives the run next; the lease is released.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    for (const ac of this.inflight.values()) ac.abort();
    await this.journal.queue.idle();
    await this.deps.store.releaseLease(this.run.id, this.deps.owner).catch(() => undefined);
    this.resolveDone(this.finished ? this.journal.status : "running");
  }

  progress(opts: { perTask?: boolean } = {}): Progress {
    const num = (x: number) => (Number.isNaN(x) ? null : x);
    return runProgress({
      now: this.deps.clock.now(),
      startedAt: this.journal.startedAt,
      maxParallel: this.run.options.maxParallel,
      perTask: opts.perTask ?? false,
      expectedMs: this.init.expectedMs,
      size: this.units.size,
      unit: (i) => ({
        id: this.units.id(i),
        status: this.schedule.statusOf(i),
        deps: this.units.deps(i),
        startedAt: num(this.table.startedAt[i]!),
        finishedAt: num(this.table.finishedAt[i]!),
        memoized: this.table.isMemoized(i),
        memoKey: this.units.memoKey(i),
      }),
    });
  }

  // ---- the loop --------------------------------------------------------------------------

  private pump(): void {
    if (!this.started || this.stopped || this.finished) return;
    const w = this.journal.current;
    const force = this.run.options.force;
    for (let i = this.schedule.next(); i !== undefined; i = this.schedule.next()) {
      if (this.units.isGroup(i)) {
        this.schedule.succeed(i);
        this.settled(i, "task.succeeded", { group: true });
        continue;
      }
      const cached = force ? undefined : this.init.memo.get(this.units.memoKey(i));
      if (cached) {
        this.schedule.succeed(i);
        this.table.markMemoized(i);
        this.table.setResult(i, cached.result);
        this.settled(i, "task.memoized", {});
        continue;
      }
      const attempt = ++this.table.attempts[i]!;
      this.table.tries[i]!++;
      const now = this.deps.clock.now();
      this.table.startedAt[i] = now;
      this.table.finishedAt[i] = Number.NaN;
      // the task row (running, attempt n, started at) records the start; the attempt row is
      // written once, when the attempt ends, which halves the rows a batch carries
      w.dirty.add(i);
      this.emit("task.started", this.units.id(i), { attempt });
      if (this.mayStartEarly(i, w)) this.launch(i, attempt);
      else w.after.push(() => this.launch(i, attempt));
    }
    this.settleIfDone();
    this.journal.queue.request();
  }

  /**
   * A task starts before its start record commits when nothing it depends on
   * is still uncommitted: a crash then loses only the start, and the task runs
   * again on recovery, as any task running at a crash does. A dependent waits
   * for its dependencies' success to be durable, so it never acts on work that
   * a crash could undo; and nothing starts early without a certainly held lease.
   */
  private mayStartEarly(i: number, w: PendingWrites): boolean {
    if (w.events.length >= EARLY_START_LIMIT || !this.deps.leaseHeld()) return false;
    for (const d of this.units.deps(i)) if (!this.journal.succeededDurably(d)) return false;
    return true;
  }

  private launch(i: number, attempt: number): void {
    if (this.stopped) return;
    const u = this.units;
    const ac = new AbortController();
    this.inflight.set(i, ac);
    const opts = this.run.options;
    this.executor
      .execute({
        runId: this.run.id,
        taskId: u.id(i),
        title: u.title(i),
        definition: u.definition(i),
        ...(u.command(i) !== undefined ? { command: u.command(i)! } : {}),
        attempt,
        ...(opts.taskTimeoutMs !== undefined ? { timeoutMs: opts.taskTimeoutMs } : {}),
        signal: ac.signal,
        onProgress: (fraction, message) => this.onProgress(i, fraction, message),
      })
      .then(
        (outcome) => this.onOutcome(i, attempt, outcome),
        (err: unknown) => this.onOutcome(i, attempt, { ok: false, exitCode: null, error: String(err) }),
      );
  }

  private onProgress(i: number, fraction: number, message?: string): void {
    if (this.stopped || !this.inflight.has(i)) return;
    this.table.progress.set(i, fraction);
    this.journal.current.dirty.add(i);
    const now = this.deps.clock.now();
    if (now - (this.lastProgressEvent.get(i) ?? 0) >= PROGRESS_EVENT_INTERVAL_MS || fraction >= 1) {
      this.lastProgressEvent.set(i, now);
      this.emit("task.progress", this.units.id(i), { progress: fraction, ...(message ? { message } : {}) });
    }
    this.journal.queue.request();
  }

  private onOutcome(i: number, attempt: number, o: ExecutionOutcome): void {
    if (this.stopped) return;
    this.inflight.delete(i);
    this.lastProgressEvent.delete(i);
    const w = this.journal.current;
    const now = this.deps.clock.now();
    const startedAt = o.startedAt ?? this.table.startedAt[i]!;
    const finishedAt = o.finishedAt ?? now;
    const attemptStatus: AttemptStatus = o.ok ? "succeeded" : o.cancelled ? "cancelled" : o.timedOut ? "timed_out" : "failed";
    w.putAttempt({
      index: i,
      number: attempt,
      status: attemptStatus,
      startedAt,
      finishedAt,
      exitCode: o.exitCode,
      error: o.error ?? null,
      stdoutTail: o.stdoutTail ?? null,
      stderrTail: o.stderrTail ?? null,
    });
    this.table.startedAt[i] = startedAt;
    this.table.finishedAt[i] = finishedAt;
    const facts = { attempt, durationMs: finishedAt - startedAt, exitCode: o.exitCode };
    if (o.ok) {
      this.schedule.succeed(i);
      this.table.setResult(i, o.result);
      this.table.errors.delete(i);
      w.memo.push({ memoKey: this.units.memoKey(i), taskId: this.units.id(i), result: o.result });
      this.settled(i, "task.succeeded", facts);
    } else if (this.ending) {
      this.schedule.cancel(i);
      this.table.errors.set(i, o.error ?? this.journal.reason ?? "cancelled");
      this.settled(i, "task.cancelled", { ...facts, reason: this.journal.reason });
    } else {
      this.table.errors.set(i, o.error ?? `exit code ${o.exitCode}`);
      this.failed(i, facts, o.error ?? `exit code ${o.exitCode}`);
    }
    this.pump();
  }

  private failed(i: number, facts: Record<string, unknown>, error: string): void {
    const decision = decideRetry(this.run.options.retry, {
      attempt: this.table.tries[i]!,
      random: this.deps.random,
      budgetUsedMs: this.budgetUsedMs,
    });
    const id = this.units.id(i);
    if (decision.retry) {
      this.budgetUsedMs += decision.delayMs;
      this.schedule.retryLater(i);
      this.journal.current.dirty.add(i);
      this.emit("task.retrying", id, { ...facts, error, delayMs: decision.delayMs });
      const timer = this.deps.clock.setTimeout(() => {
        this.retryTimers.delete(i);
        this.schedule.requeue(i);
        this.journal.current.dirty.add(i);
        this.pump();
      }, decision.delayMs);
      this.retryTimers.set(i, timer);
      return;
    }
    const skips = this.schedule.fail(i);
    this.settled(i, "task.failed", { ...facts, error, final: decision.reason });
    for (const s of skips) {
      const reason = `dependency ${id} failed`;
      this.table.errors.set(s.index, reason);
      this.settled(s.index, "task.skipped", { reason, dependency: id });
    }
    if (!this.run.options.continueOnError && this.journal.reason === null) this.journal.reason = `task ${id} failed: ${error}`;
  }

  /** Records a unit's terminal transition and counts it toward the next checkpoint. */
  private settled(i: number, type: string, data: Record<string, unknown>): void {
    if (Number.isNaN(this.table.finishedAt[i]!)) this.table.finishedAt[i] = this.deps.clock.now();
    this.journal.current.dirty.add(i);
    this.emit(type, this.units.id(i), data);
    this.journal.countSettled();
  }

  private settleIfDone(): void {
    if (this.finished || this.stopped) return;
    const o = this.schedule.outcome();
    if (!o.finished) return;
    if (o.status === "paused") {
      // nothing left running: stop driving; resume starts a new supervisor
      this.journal.current.after.push(() => void this.stop());
      this.journal.queue.request();
      return;
    }
    this.finished = true;
    this.clearTimers();
    const j = this.journal;
    const status: RunStatus = this.ending ?? o.status;
    j.finishedAt = this.deps.clock.now();
    j.setStatus(status, j.reason);
    this.emit("run.finished", undefined, { status, reason: j.reason, ...this.table.counters(this.schedule) });
    j.current.checkpointReason = "final";
    j.current.after.push(() => void this.stop());
    j.queue.request();
  }

  // ---- bookkeeping -----------------------------------------------------------------------

  private emit(type: string, taskId: string | undefined, data: Record<string, unknown>): void {
    this.journal.emit(type, taskId, data);
  }

  private interruptAttempt(i: number, startedAt: number | null, w: PendingWrites): void {
    const n = this.table.attempts[i]!;
    if (n === 0) return;
    w.putAttempt({
      index: i,
      number: n,
      status: "failed",
      startedAt: startedAt ?? this.deps.clock.now(),
      finishedAt: this.deps.clock.now(),
      exitCode: null,
      error: "interrupted: the process driving the run stopped",
      stdoutTail: null,
      stderrTail: null,
    });
  }

  private armRunTimeout(): void {
    const limit = this.run.options.runTimeoutMs;
    const startedAt = this.journal.startedAt;
    if (limit === undefined || startedAt === null) return;
    const left = Math.max(0, limit - (this.deps.clock.now() - startedAt));
    this.runTimer = this.deps.clock.setTimeout(() => this.halt("timed_out", `run timed out after ${limit} ms`), left);
  }

  private clearTimers(): void {
    if (this.runTimer !== null) this.deps.clock.clearTimeout(this.runTimer);
    this.runTimer = null;
    for (const t of this.retryTimers.values()) this.deps.clock.clearTimeout(t);
    this.retryTimers.clear();
  }

  /** The store refused a commit (lease lost, database gone): stop without touching the run. */
  private abandon(err: unknown): void {
    this.deps.logger.error({ runId: this.run.id, err: String(err) }, "run abandoned: its state could not be recorded");
    void this.stop();
  }
}

/**
 * Units whose success is both stored and kept. Outside the constructor: a closure
 * there would share its context, and keep the stored rows alive for the whole run.
 */
function committedSuccesses(stored: StoredUnit[], states: UnitState[]): Uint8Array {
  return Uint8Array.from(states, (s, i) => (s.status === "succeeded" && stored[i]!.state.status === "succeeded" ? 1 : 0));
}
