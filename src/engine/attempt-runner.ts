// The attempts a supervisor has in flight: each runs on the executor under an
// abort signal, reports progress (as an event at most once a second), and ends
// in an attempt row; the supervisor is then told the outcome to settle the unit.
import type { AttemptFacts } from "../core/events.js";
import type { ExecutionOutcome, Executor } from "./executor.js";
import type { Clock } from "./ports.js";
import type { RunJournal } from "./run-journal.js";
import type { RunTrace } from "./run-trace.js";
import type { TaskLogs } from "./task-logs.js";
import type { AttemptStatus, RunRecord } from "./store.js";
import type { UnitCatalog } from "./unit-catalog.js";
import type { UnitTable } from "./unit-table.js";

const PROGRESS_EVENT_INTERVAL_MS = 1_000;

/** What an ended attempt adds to its unit's event. */
export type { AttemptFacts };

export type AttemptEnded = (i: number, outcome: ExecutionOutcome, facts: AttemptFacts) => void;

export class AttemptRunner {
  private readonly inflight = new Map<number, AbortController>();
  private readonly lastProgressEvent = new Map<number, number>();
  private stopped = false;

  constructor(
    private readonly run: RunRecord,
    private readonly executor: Executor,
    private readonly units: UnitCatalog,
    private readonly table: UnitTable,
    private readonly journal: RunJournal,
    private readonly clock: Clock,
    private readonly ended: AttemptEnded,
    private readonly logs?: TaskLogs,
    private readonly trace?: RunTrace,
  ) {}

  get running(): number {
    return this.inflight.size;
  }

  launch(i: number, attempt: number): void {
    if (this.stopped) return;
    const u = this.units;
    const ac = new AbortController();
    this.inflight.set(i, ac);
    const opts = this.run.options;
    const log = this.logs?.attempt(this.run.id, u.id(i), attempt);
    const traceparent = this.trace?.attemptStarted(i, u.id(i), attempt);
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
        ...(log ? { onOutput: log.onOutput } : {}),
        ...(traceparent !== undefined ? { traceparent, runTraceparent: this.trace!.traceparent } : {}),
      })
      .then(
        (outcome) => {
          log?.end();
          this.onOutcome(i, attempt, outcome);
        },
        (err: unknown) => {
          log?.end();
          this.onOutcome(i, attempt, { ok: false, exitCode: null, error: String(err) });
        },
      );
  }

  /** Kills every attempt in flight; each still reports its outcome. */
  abortAll(): void {
    for (const ac of this.inflight.values()) ac.abort();
  }

  /** Kills every attempt in flight and ignores whatever they report from now on. */
  stop(): void {
    this.stopped = true;
    this.abortAll();
  }

  /** Records as failed the attempt that the run's previous driver left running when it stopped. */
  interrupted(i: number, startedAt: number | null): void {
    const n = this.table.attempts[i]!;
    if (n === 0) return;
    const now = this.clock.now();
    this.record(i, n, startedAt ?? now, now, { ok: false, exitCode: null, error: "interrupted: the process driving the run stopped" });
  }

  private onProgress(i: number, fraction: number, message?: string): void {
    if (this.stopped || !this.inflight.has(i)) return;
    this.table.progress.set(i, fraction);
    this.journal.current.dirty.add(i);
    const now = this.clock.now();
    if (now - (this.lastProgressEvent.get(i) ?? 0) >= PROGRESS_EVENT_INTERVAL_MS || fraction >= 1) {
      this.lastProgressEvent.set(i, now);
      this.journal.emit("task.progress", this.units.id(i), { progress: fraction, ...(message ? { message } : {}) });
    }
    this.journal.queue.request();
  }

  private onOutcome(i: number, attempt: number, o: ExecutionOutcome): void {
    if (this.stopped) return;
    this.inflight.delete(i);
    this.lastProgressEvent.delete(i);
    const startedAt = o.startedAt ?? this.table.startedAt[i]!;
    const finishedAt = o.finishedAt ?? this.clock.now();
    this.record(i, attempt, startedAt, finishedAt, o);
    this.table.startedAt[i] = startedAt;
    this.table.finishedAt[i] = finishedAt;
    this.ended(i, o, { attempt, durationMs: finishedAt - startedAt, exitCode: o.exitCode });
  }

  private record(i: number, attempt: number, startedAt: number, finishedAt: number, o: ExecutionOutcome): void {
    const status: AttemptStatus = o.ok ? "succeeded" : o.cancelled ? "cancelled" : o.timedOut ? "timed_out" : "failed";
    this.trace?.attemptEnded(i, status, o.exitCode, o.error, finishedAt);
    this.journal.current.putAttempt({
      index: i,
      number: attempt,
      status,
      startedAt,
      finishedAt,
      exitCode: o.exitCode,
      error: o.error ?? null,
      stdoutTail: o.stdoutTail ?? null,
      stderrTail: o.stderrTail ?? null,
    });
  }
}
