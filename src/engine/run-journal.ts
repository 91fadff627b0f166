// What a run supervisor records: its events (numbered gaplessly), its status,
// and the batches that carry them to the store through group commit. Events are
// published, and logged, only once their batch is committed; the journal also
// remembers which units' success is committed, which is what lets a dependent start.
import { randomUUID } from "node:crypto";
import type { Schedule } from "../core/scheduler.js";
import { canRunMove, type RunStatus } from "../core/status.js";
import { CommitQueue, type PendingWrites } from "./commit-queue.js";
import { commitThroughOutage } from "./outage.js";
import { asRunEvent, isRunChange, type RunEvent, type RunEventDataMap, type RunEventType } from "../core/events.js";
import type { Clock, EventBus, Logger } from "./ports.js";
import { topics } from "./topics.js";
import type { RunTrace } from "./run-trace.js";
import type { TraceSpan } from "./tracing.js";
import type { RunRecord, RunStore } from "./store.js";
import type { UnitTable } from "./unit-table.js";

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
  readonly queue: CommitQueue;
  status: RunStatus;
  reason: string | null;
  startedAt: number | null;
  finishedAt: number | null = null;
  private seq: number;
  private finishedSinceCheckpoint: number;
  private lastCheckpointId = "";
  /** The database is unreachable: a commit waits for it, and nothing new is dispatched. */
  holding = false;
  /** Letting the run go: an outage is not waited out. */
  stopping = false;
  /** The run's spans, when tracing is on: a span per commit, and per checkpoint within it. */
  trace: RunTrace | undefined = undefined;
  /**
   * The run's record as of the last commit: what the database holds, since only the lease holder
   * writes it (all but the lease's expiry, which renewals move).
   */
  committedRun: RunRecord;

  constructor(
    private readonly deps: JournalDeps,
    private readonly run: RunRecord,
    private readonly table: UnitTable,
    private readonly schedule: Schedule,
    /** 1 where a unit's success is committed (already so when the run was loaded). */
    private readonly committedSuccess: Uint8Array,
    onFatal: (err: unknown) => void,
    /** The database is back after an outage: dispatch what was held. */
    private readonly onBack: () => void = () => undefined,
  ) {
    this.queue = new CommitQueue((w) => this.write(w), onFatal);
    this.committedRun = run;
    this.status = run.status;
    this.reason = run.reason;
    this.seq = run.lastSeq;
    this.startedAt = run.startedAt;
    this.finishedSinceCheckpoint = run.finishedSinceCheckpoint;
  }

  get current(): PendingWrites {
    return this.queue.current;
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
    w.events.push(this.event(type, taskId, data));
    if (type.startsWith("run.")) w.prompt = true;
    this.queue.request();
  }

  setStatus(status: RunStatus, reason: string | null): void {
    if (status !== this.status && !canRunMove(this.status, status)) throw new Error(`bug: run ${this.run.id} cannot move from ${this.status} to ${status}`);
    this.status = status;
    this.reason = reason;
    this.queue.current.runChanged = true;
  }

  /** Counts a settled unit toward the next interval checkpoint. */
  countSettled(): void {
    if (++this.finishedSinceCheckpoint >= this.run.options.checkpointInterval) {
      this.finishedSinceCheckpoint = 0;
      this.queue.current.checkpointReason = "interval";
    }
  }

  /** Takes a checkpoint with the next batch; resolves with its id once committed. */
  checkpoint(reason: string): Promise<string> {
    return new Promise((resolve) => {
      const w = this.queue.current;
      w.checkpointReason = reason;
      w.after.push(() => resolve(this.lastCheckpointId));
      this.queue.request();
    });
  }

  private event<K extends RunEventType>(type: K, taskId: string | undefined, data: RunEventDataMap[K]): RunEvent {
    const e = asRunEvent<K>({ runId: this.run.id, seq: ++this.seq, type, data, at: this.deps.clock.now() });
    if (taskId !== undefined) e.taskId = taskId;
    return e;
  }

  private async write(w: PendingWrites): Promise<void> {
    let back = false;
    let checkpoint;
    const span = this.trace?.commitStarted({ tasks: w.dirty.size, attempts: w.attempts.size, events: w.events.length });
    let checkpointSpan: TraceSpan | undefined;
    if (w.checkpointReason !== undefined) {
      // the checkpoint's own event belongs to the batch that commits it
      this.lastCheckpointId = randomUUID();
      if (span) checkpointSpan = this.trace!.checkpointStarted(span, this.lastCheckpointId, w.checkpointReason);
      const event = this.event("run.checkpoint", undefined, { id: this.lastCheckpointId, reason: w.checkpointReason });
      // run.finished stays the run's last event: the final checkpoint's event goes before it
      const last = w.events[w.events.length - 1];
      if (last?.type === "run.finished") [event.seq, last.seq] = [last.seq, event.seq];
      w.events.splice(last?.type === "run.finished" ? w.events.length - 1 : w.events.length, 0, event);
      checkpoint = {
        id: this.lastCheckpointId,
        seq: event.seq,
        reason: w.checkpointReason,
        snapshot: this.table.snapshot(this.schedule, { status: this.status, lastSeq: this.seq }),
        keep: this.run.options.keepCheckpoints,
      };
    }
    const batch = {
      runId: this.run.id,
      owner: this.deps.owner,
      run: {
        ...this.table.counters(this.schedule),
        status: this.status,
        lastSeq: this.seq,
        finishedSinceCheckpoint: this.finishedSinceCheckpoint,
        reason: this.reason,
        startedAt: this.startedAt,
        finishedAt: this.finishedAt,
      },
      tasks: [...w.dirty].map((i) => this.table.row(i, this.schedule)),
      attempts: [...w.attempts.values()],
      events: w.events,
      memo: w.memo,
      ...(checkpoint ? { checkpoint } : {}),
    };
    try {
      await commitThroughOutage(this.deps.store, batch, this.deps.outageBudgetMs, {
        onHold: (reason) => {
          this.holding = true;
          this.deps.logger.warn(
            { runId: this.run.id, reason, budgetMs: this.deps.outageBudgetMs },
            "database unreachable: holding dispatch, running tasks go on; retrying",
          );
        },
        onBack: (heldMs) => {
          this.holding = false;
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
