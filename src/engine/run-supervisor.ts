// Drives one run: asks the schedule what to start, has it run (AttemptRunner),
// settles or retries each outcome, and applies steering commands. One supervisor
// per run per process, fenced by a lease.
//
// The path of a completion, each step one named call:
//  1. executor outcome: `Executor.execute` resolves (attempt-runner.ts, `launch`);
//  2. attempt runner: `AttemptRunner.onOutcome` makes it one `EndedAttempt` (the
//     attempt's row and result) and hands it to `RunSupervisor.attemptEnded` below;
//  3. transition: `attemptEnded` picks one call of UnitTransitions (`succeed`,
//     `cancel`, `retryLater`, `fail`), which changes the schedule and the unit table
//     and adds the attempt row, the unit's row, its event and memo entry to
//  4. the pending batch, the journal's own (`RunJournal.touch`, `recordAttempt`,
//     `emit`…; `PendingWrites` in pending-writes.ts, private behind named methods);
//  5. group commit: CommitQueue (commit-queue.ts) hands the batch to `RunJournal.write`,
//     which reads the units' rows as they then are and commits them in one transaction;
//  6. after-commit callbacks: events are published, and what waited for the batch
//     to be durable runs (`RunJournal.afterCommit`: a dependent's launch from `pump`,
//     a checkpoint's caller, the final stop). Nothing is published or acted on sooner.
import type { Progress } from "../core/progress.js";
import { Schedule, type UnitState } from "../core/scheduler.js";
import type { RunStatus, TaskStatus } from "../core/status.js";
import type { Executor } from "./executor.js";
import type { Clock, EventBus, Logger } from "./ports.js";
import type { MemoEntry, RunRecord, RunStore, StoredUnit } from "./store.js";
import { AttemptRunner } from "./attempt-runner.js";
import { initialState, type DriveMode } from "./drive-mode.js";
import { committedSuccesses, mayStartEarly } from "./early-start.js";
import { liveProgress } from "./live-progress.js";
import { RetryBackoff } from "./retry-backoff.js";
import { RunJournal } from "./run-journal.js";
import { RunTrace } from "./run-trace.js";
import type { Tracer } from "./tracing.js";
import { UnitCatalog } from "./unit-catalog.js";
import { UnitTable, type UnitTableView } from "./unit-table.js";
import { UnitTransitions, type EndedAttempt } from "./unit-transitions.js";
import type { TaskLogs } from "./task-logs.js";

export interface SupervisorDeps {
  store: RunStore;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  owner: string;
  random: () => number;
  /** Whether this process certainly still holds the run's lease (see LeaseWindow). */
  leaseHeld: () => boolean;
  /** How long commits are retried while the database is unreachable (see outage.ts). */
  outageBudgetMs: number;
  /** Where attempts' live output goes (optional: without it, only the stored tail). */
  logs?: TaskLogs;
  /** Spans of the run, its attempts, backoffs and commits (src/engine/tracing.ts); none when tracing is off. */
  tracer?: Tracer;
}

export interface SupervisorInit {
  mode: DriveMode;
  /** Unit statuses to resume from instead of the stored ones (resume from a checkpoint). */
  statuses?: TaskStatus[];
  /** The checkpoint a resume goes back to (named in its event). */
  checkpointId?: string;
  memo: Map<string, MemoEntry>;
  expectedMs: Map<string, number>;
  /** The W3C traceparent of whoever started the run: its span becomes the run span's parent. */
  traceparent?: string;
  /** The run has no trace kept (tracing on): its first commit keeps this drive's run span as the run's. */
  keepTrace?: boolean;
}

export class RunSupervisor {
  private readonly schedule: Schedule;
  /** Read only here: the transitions change it. */
  private readonly table: UnitTableView;
  private readonly units: UnitCatalog;
  private readonly journal: RunJournal;
  private readonly transitions: UnitTransitions;
  private readonly attempts: AttemptRunner;
  private readonly backoff: RetryBackoff;
  private readonly trace: RunTrace | undefined;
  private ending: "cancelled" | "timed_out" | null = null;
  private runTimer: unknown = null;
  private started = false;
  private stopped = false;
  private finished = false;
  /** Why this supervisor gave the run up, when a commit failed for good (an outage past its budget, a lost lease). */
  failure: unknown = undefined;
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
    const table = new UnitTable(stored);
    this.table = table;
    if (init.mode === "amend" && run.status === "paused") this.schedule.paused = true;
    this.trace = deps.tracer
      ? new RunTrace(
          deps.tracer,
          { "conveyor.run.id": run.id, "conveyor.run.mode": init.mode, "conveyor.run.tasks": stored.length },
          init.traceparent,
        )
      : undefined;
    this.journal = new RunJournal(
      deps,
      run,
      table,
      this.schedule,
      committedSuccesses(stored, states),
      (err) => this.abandon(err),
      () => this.pump(),
      this.trace,
    );
    if (init.keepTrace && this.trace) this.journal.keepTrace(this.trace.traceparent);
    this.transitions = new UnitTransitions(this.units, this.schedule, table, this.journal, deps.clock);
    this.attempts = new AttemptRunner(
      run,
      executor,
      this.units,
      table,
      this.transitions,
      deps.clock,
      (a) => this.attemptEnded(a),
      deps.logs,
      this.trace,
    );
    this.backoff = new RetryBackoff(opts.retry, deps.clock, deps.random);
    this.recordDrift(stored, states);
  }

  /**
   * Records what changed between the stored rows and the state driven from.
   * A method of its own so that no closure of the constructor keeps the stored
   * rows alive (closures share their function's context in V8).
   */
  private recordDrift(stored: StoredUnit[], states: UnitState[]): void {
    for (let i = 0; i < states.length; i++) {
      const was = stored[i]!.state;
      if (states[i]!.status === was.status) continue;
      if (was.status === "running") this.transitions.interrupted(i, was.startedAt);
      else this.transitions.reset(i);
    }
  }

  /** The run span's W3C traceparent (tracing on): its later drives continue this trace. */
  get traceparent(): string | undefined {
    return this.trace?.traceparent;
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

  /** Letting the run go: commands must wait for `done` and drive it anew. */
  get isStopping(): boolean {
    return this.stopped;
  }

  indexOf(taskId: string): number | undefined {
    return this.units.indexOf(taskId);
  }

  taskStatus(i: number): TaskStatus {
    return this.schedule.statusOf(i);
  }

  /** Begins driving. */
  start(): void {
    this.open();
    this.pump();
  }

  /**
   * Begins driving without dispatching yet: a command on a run nobody drove
   * (retry, mark) is recorded after run.started, and dispatches itself.
   */
  open(): void {
    this.started = true;
    const now = this.deps.clock.now();
    if (this.init.mode === "start" || this.init.mode === "resume" || this.journal.startedAt === null) this.journal.markStarted(now);
    // a cancel its last driver did not see through: finish it, dispatching nothing
    if (this.journal.status === "cancelling") return this.halt("cancelled", this.journal.reason ?? "cancelled by request");
    if (!this.schedule.paused) this.journal.setStatus("running", null);
    // a resume is told by one event, whether the run was paused (unpause) or settled
    if (this.init.mode === "resume")
      this.journal.emit("run.resumed", undefined, { total: this.units.size, checkpointId: this.init.checkpointId ?? null });
    else this.journal.emit("run.started", undefined, { mode: this.init.mode, total: this.units.size });
    this.armRunTimeout();
  }

  // ---- control ---------------------------------------------------------------------------

  pause(): void {
    if (this.journal.status !== "running") return;
    this.schedule.paused = true;
    this.journal.setStatus("paused", null);
    this.journal.emit("run.paused", undefined, { running: this.attempts.running });
    this.executor.runPaused?.(this.run.id);
    this.settleIfDone();
  }

  /** Lifts a pause while running tasks are still finishing. */
  unpause(): void {
    this.schedule.paused = false;
    this.journal.setStatus("running", null);
    this.journal.emit("run.resumed", undefined, { total: this.units.size, checkpointId: null });
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
    this.journal.setReason(reason);
    this.clearTimers();
    this.transitions.cancelPending(reason);
    this.attempts.abortAll();
    this.executor.runCancelled?.(this.run.id);
    // CANCELLING until the running tasks have stopped (settleIfDone then records CANCELLED)
    if (ending === "cancelled") this.journal.setStatus("cancelling", reason);
    this.journal.emit(ending === "cancelled" ? "run.cancelling" : "run.timing_out", undefined, { reason });
    this.settleIfDone();
  }

  /** A failed or cancelled task goes back to pending (with the dependents its failure skipped). */
  retryTask(i: number): void {
    this.journal.commitPromptly(); // the command's caller waits for its event
    this.transitions.reopen(i);
    this.pump();
  }

  /** A failed task declared done or skipped by hand; its dependents go on. */
  settleTask(i: number, status: "succeeded" | "skipped"): void {
    this.journal.commitPromptly(); // the command's caller waits for its event
    this.transitions.settleByHand(i, status);
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
    this.journal.letGo();
    this.clearTimers();
    this.attempts.stop();
    await this.journal.idle();
    this.trace?.runEnded(this.finished ? this.journal.status : "running", this.journal.reason);
    await this.deps.store.releaseLease(this.run.id, this.deps.owner).catch(() => undefined);
    this.resolveDone(this.finished ? this.journal.status : "running");
  }

  progress(opts: { perTask?: boolean } = {}): Progress {
    return liveProgress(this.units, this.schedule, this.table, {
      now: this.deps.clock.now(),
      startedAt: this.journal.startedAt,
      maxParallel: this.run.options.maxParallel,
      perTask: opts.perTask ?? false,
      expectedMs: this.init.expectedMs,
    });
  }

  // ---- the loop --------------------------------------------------------------------------

  private pump(): void {
    // while the database is unreachable nothing new starts; the journal pumps again once it is back
    if (!this.started || this.stopped || this.finished || this.journal.holding) return;
    const force = this.run.options.force;
    // the schedule decides which unit goes next; the transition below records that decision in
    // every holder in the same synchronous step, so no one ever sees one without the other
    for (let i = this.schedule.next(); i !== undefined; i = this.schedule.next()) {
      if (this.units.isGroup(i)) {
        this.transitions.succeedGroup(i);
        continue;
      }
      const cached = force ? undefined : this.init.memo.get(this.units.memoKey(i));
      if (cached) {
        this.transitions.memoize(i, cached.result);
        continue;
      }
      const attempt = this.transitions.start(i);
      // step 6 for a dependent of uncommitted work: it launches once that is durable
      if (mayStartEarly(this.units.deps(i), this.journal, this.deps.leaseHeld)) this.attempts.launch(i, attempt);
      else this.journal.afterCommit(() => this.attempts.launch(i, attempt));
    }
    this.settleIfDone();
    this.journal.commitSoon();
  }

  /** Step 3: settles a unit by its attempt's end (succeeded; cancelled while the run ends; else retried or failed). */
  private attemptEnded(a: EndedAttempt): void {
    const i = a.row.index;
    if (a.row.status === "succeeded") this.transitions.succeed(i, a);
    else if (this.ending) this.transitions.cancel(i, a, this.journal.reason);
    else this.failed(i, a);
    this.pump();
  }

  private failed(i: number, a: EndedAttempt): void {
    const decision = this.backoff.decide(this.table.tries(i));
    if (decision.retry) {
      this.transitions.retryLater(i, a, decision.delayMs);
      this.trace?.backoffStarted(i, this.units.id(i), a.row.number, decision.delayMs);
      this.backoff.wait(i, decision.delayMs, () => {
        this.trace?.backoffEnded(i);
        this.transitions.requeue(i);
        this.pump();
      });
      return;
    }
    const error = this.transitions.fail(i, a, decision.reason);
    if (!this.run.options.continueOnError) this.journal.setReason(`task ${this.units.id(i)} failed: ${error}`, true);
  }

  private settleIfDone(): void {
    if (this.finished || this.stopped) return;
    const o = this.schedule.outcome();
    if (!o.finished) return;
    if (o.status === "paused") {
      // nothing left running: stop driving once that is committed (resume starts a new
      // supervisor), unless a resume came meanwhile and this one drives the run again
      this.journal.afterCommit(() => {
        const now = this.schedule.outcome();
        if (now.finished && now.status === "paused") void this.stop();
      });
      return;
    }
    this.finished = true;
    this.clearTimers();
    const j = this.journal;
    const status: RunStatus = this.ending ?? o.status;
    j.finish(status, this.deps.clock.now()); // with the final checkpoint
    j.emit("run.finished", undefined, { status, reason: j.reason, ...this.table.counters(this.schedule) });
    j.afterCommit(() => void this.stop());
  }

  // ---- bookkeeping -----------------------------------------------------------------------

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
    this.backoff.clear();
  }

  /** The store refused a commit (lease lost, database gone): stop without touching the run. */
  private abandon(err: unknown): void {
    this.failure = err;
    this.deps.logger.error(
      { runId: this.run.id, err: err instanceof Error ? err.message : String(err) },
      "run abandoned: its state could not be recorded",
    );
    void this.stop();
  }
}
