// What a run supervisor records: its events (numbered gaplessly), its status,
// and the batches that carry them to the store through group commit. Events are
// published, and logged, only once their batch is committed; the journal also
// remembers which units' success is committed, which is what lets a dependent start.
// The pending batch is the journal's own: transitions add to it through the
// named methods below, and `write` turns it into the store's batch.
import { randomUUID } from "node:crypto";
import type { Schedule } from "../core/scheduler.js";
import { canRunMove, type RunStatus } from "../core/status.js";
import { CommitQueue } from "./commit-queue.js";
import { commitThroughOutage } from "./outage.js";
import { asRunEvent, isRunChange, type RunEvent, type RunEventDataMap, type RunEventType } from "../core/events.js";
import type { Clock, EventBus, Logger } from "./ports.js";
import type { PendingWrites } from "./pending-writes.js";
import { topics } from "./topics.js";
import type { RunTrace } from "./run-trace.js";
import type { TraceSpan } from "./tracing.js";
import type { AttemptRecord, MemoWrite, RunRecord, RunStore } from "./store.js";
import type { UnitTable } from "./unit-table.js";

/** What the journal reads of the unit table to write a batch, and the one change a commit makes to it. */
type TableForWriter = Pick<UnitTable, "row" | "snapshot" | "counters" | "resultsCommitted">;

export interface JournalDeps {
  store: RunStore;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  owner: string;
  /** How long a commit is retried while the database is unreachable (see outage.ts). */
  outageBudgetMs: number;
}

export class RunJournal {
  private readonly queue: CommitQueue;
  private runStatus: RunStatus;
  private runReason: string | null;
  private runStartedAt: number | null;
  private runFinishedAt: number | null = null;
  private seq: number;
  /** The database is unreachable: a commit waits for it, and nothing new is dispatched. */
  get holding(): boolean {
    return this.outage;
  }

  /** Letting the run go (shutdown): an outage is not waited out. */
  letGo(): void {
    this.stopping = true;
  }

  private finishedSinceCheckpoint: number;
  private lastCheckpointId = "";
  /** The run span's traceparent, until a commit has kept it on the run (keepTrace). */
  private traceToKeep: string | undefined;
  private outage = false;
  private stopping = false;
  /**
   * The run's record as of the last commit: what the database holds, since only the lease holder
   * writes it (all but the lease's expiry, which renewals move).
   */
  committedRun: RunRecord;

  constructor(
    private readonly deps: JournalDeps,
    private readonly run: RunRecord,
    private readonly table: TableForWriter,
    private readonly schedule: Schedule,
    /** 1 where a unit's success is committed (already so when the run was loaded). */
    private readonly committedSuccess: Uint8Array,
    onFatal: (err: unknown) => void,
    /** The database is back after an outage: dispatch what was held. */
    private readonly onBack: () => void = () => undefined,
    /** The run's spans, when tracing is on: a span per commit, and per checkpoint within it. */
    private readonly trace?: RunTrace,
  ) {
    this.queue = new CommitQueue((w) => this.write(w), onFatal);
    this.committedRun = run;
    this.runStatus = run.status;
    this.runReason = run.reason;
    this.seq = run.lastSeq;
    this.runStartedAt = run.startedAt;
    this.finishedSinceCheckpoint = run.finishedSinceCheckpoint;
  }

  get status(): RunStatus {
    return this.runStatus;
  }

  /** Why the run is ending or ended (a cancel, a timeout, the first failure that stops it); null while none. */
  get reason(): string | null {
    return this.runReason;
  }

  get startedAt(): number | null {
    return this.runStartedAt;
  }

  /** The run begins (again) being driven now. */
  markStarted(at: number): void {
    this.runStartedAt = at;
  }

  /** The run is ending for this reason; the first reason given stays when `firstOnly`. */
  setReason(reason: string, firstOnly = false): void {
    if (firstOnly && this.runReason !== null) return;
    this.runReason = reason;
  }

  /** The run settles: its status and end time go with the next batch, which takes the final checkpoint. */
  finish(status: RunStatus, at: number): void {
    this.runFinishedAt = at;
    this.setStatus(status, this.runReason);
    this.queue.current.takeCheckpoint("final");
  }

  // ---- the pending batch, by name ---------------------------------------------------------

  /** A unit's row changed: it is written, as it then is, by the next commit. */
  touch(i: number): void {
    this.queue.current.touch(i);
  }

  /** An attempt's row goes with the next commit. */
  recordAttempt(a: AttemptRecord): void {
    this.queue.current.putAttempt(a);
  }

  /** A success to reuse in later runs goes with the next commit. */
  recordMemo(m: MemoWrite): void {
    this.queue.current.addMemo(m);
  }

  /** Runs `fn` once everything recorded so far is durable (the batch then commits without waiting). */
  afterCommit(fn: () => void): void {
    this.queue.current.afterCommit(fn);
    this.queue.request();
  }

  /** Someone waits for the next batch (a command's caller waits for its event): it commits without waiting. */
  commitPromptly(): void {
    this.queue.current.markAwaited();
  }

  /** Events gathered in the pending batch (early starts stop at a bound). */
  get pendingEvents(): number {
    return this.queue.current.events.length;
  }

  /** Asks for the pending batch to be committed (at once if something waits for it, else within the window). */
  commitSoon(): void {
    this.queue.request();
  }

  /** Resolves once everything recorded so far is committed (or commits failed for good). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  succeededDurably(i: number): boolean {
    return this.committedSuccess[i] === 1;
  }

  /**
   * Every event is committed, whether or not anything else is pending: a run's own
   * events at once (someone steers or watches the run), a task's within the commit window.
   */
  emit<K extends RunEventType>(type: K, taskId: string | undefined, data: RunEventDataMap[K]): void {
    const w = this.queue.current;
    w.addEvent(this.event(type, taskId, data));
    if (type.startsWith("run.")) w.markAwaited();
    this.queue.request();
  }

  setStatus(status: RunStatus, reason: string | null): void {
    if (status !== this.runStatus && !canRunMove(this.runStatus, status))
      throw new Error(`bug: run ${this.run.id} cannot move from ${this.runStatus} to ${status}`);
    this.runStatus = status;
    this.runReason = reason;
    this.queue.current.markRunChanged();
  }

  /** Counts a settled unit toward the next interval checkpoint. */
  countSettled(): void {
    if (++this.finishedSinceCheckpoint >= this.run.options.checkpointInterval) {
      this.finishedSinceCheckpoint = 0;
      this.queue.current.takeCheckpoint("interval");
    }
  }

  /** Takes a checkpoint with the next batch; resolves with its id once committed. */
  checkpoint(reason: string): Promise<string> {
    return new Promise((resolve) => {
      this.queue.current.takeCheckpoint(reason);
      this.afterCommit(() => resolve(this.lastCheckpointId));
    });
  }

  private event<K extends RunEventType>(type: K, taskId: string | undefined, data: RunEventDataMap[K]): RunEvent {
    const e = asRunEvent<K>({ runId: this.run.id, seq: ++this.seq, type, data, at: this.deps.clock.now() });
    if (taskId !== undefined) e.taskId = taskId;
    return e;
  }

  /** The next commit keeps this traceparent on the run (a first drive's, with tracing on), in the same statement. */
  keepTrace(traceparent: string): void {
    this.traceToKeep = traceparent;
  }

  private async write(w: PendingWrites): Promise<void> {
    let back = false;
    let checkpoint;
    const span = this.trace?.commitStarted({ tasks: w.units.size, attempts: w.attemptCount, events: w.events.length });
    let checkpointSpan: TraceSpan | undefined;
    if (w.checkpointReason !== undefined) {
      // the checkpoint's own event belongs to the batch that commits it
      this.lastCheckpointId = randomUUID();
      if (span) checkpointSpan = this.trace!.checkpointStarted(span, this.lastCheckpointId, w.checkpointReason);
      const event = this.event("run.checkpoint", undefined, { id: this.lastCheckpointId, reason: w.checkpointReason });
      w.addCheckpointEvent(event);
      checkpoint = {
        id: this.lastCheckpointId,
        seq: event.seq,
        reason: w.checkpointReason,
        snapshot: this.table.snapshot(this.schedule, { status: this.runStatus, lastSeq: this.seq }),
        keep: this.run.options.keepCheckpoints,
      };
    }
    const batch = {
      runId: this.run.id,
      owner: this.deps.owner,
      run: {
        ...this.table.counters(this.schedule),
        status: this.runStatus,
        lastSeq: this.seq,
        finishedSinceCheckpoint: this.finishedSinceCheckpoint,
        reason: this.runReason,
        startedAt: this.runStartedAt,
        finishedAt: this.runFinishedAt,
      },
      tasks: [...w.units].map((i) => this.table.row(i, this.schedule)),
      attempts: [...w.attempts],
      // copies: the store takes mutable arrays, and the batch stays closed to writes
      events: w.events.slice(),
      memo: w.memo.slice(),
      ...(checkpoint ? { checkpoint } : {}),
      ...(this.traceToKeep !== undefined ? { traceParent: this.traceToKeep } : {}),
    };
    try {
      await commitThroughOutage(this.deps.store, batch, this.deps.outageBudgetMs, {
        onHold: (reason) => {
          this.outage = true;
          this.deps.logger.warn(
            { runId: this.run.id, reason, budgetMs: this.deps.outageBudgetMs },
            "database unreachable: holding dispatch, running tasks go on; retrying",
          );
        },
        onBack: (heldMs) => {
          this.outage = false;
          back = true;
          this.deps.logger.info({ runId: this.run.id, heldMs }, "database back: what was held is recorded, dispatching again");
        },
        stopping: () => this.stopping,
      });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      checkpointSpan?.end({ error });
      span?.end({ error });
      throw err;
    }
    checkpointSpan?.end();
    span?.end();
    if (batch.traceParent !== undefined) this.traceToKeep = undefined;
    this.table.resultsCommitted(batch.tasks);
    this.committedRun = { ...this.run, ...batch.run, updatedAt: this.deps.clock.now(), leaseOwner: this.deps.owner };
    for (const t of batch.tasks) this.committedSuccess[t.index] = t.status === "succeeded" ? 1 : 0;
    this.deps.bus.publish(topics.runEvents(this.run.id), w.events);
    if (w.runChanged) this.deps.bus.publish(topics.runChanges, w.events.filter(isRunChange));
    for (const e of w.events) {
      const level = e.type === "task.progress" ? "debug" : "info";
      this.deps.logger[level]({ runId: e.runId, seq: e.seq, taskId: e.taskId, ...e.data }, e.type);
    }
    if (back) this.onBack();
  }
}
