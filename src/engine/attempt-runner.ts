// The attempts a supervisor has in flight: each runs on the executor under an
// abort signal, reports progress (a progress transition; an event at most once a
// second), and ends as one `EndedAttempt` (its attempt row and result), which goes
// to the supervisor's `attemptEnded` to settle or retry the unit.
import type { ExecutionOutcome, Executor } from "./executor.js";
import type { Clock } from "./ports.js";
import type { RunTrace } from "./run-trace.js";
import type { TaskLogs } from "./task-logs.js";
import type { AttemptStatus, RunRecord } from "./store.js";
import type { UnitCatalog } from "./unit-catalog.js";
import type { UnitTableView } from "./unit-table.js";
import type { EndedAttempt, UnitTransitions } from "./unit-transitions.js";

const PROGRESS_EVENT_INTERVAL_MS = 1_000;

/** Where an ended attempt goes: the supervisor's `attemptEnded` (run-supervisor.ts), which picks its unit's transition. */
export type AttemptEnded = (ended: EndedAttempt) => void;

export class AttemptRunner {
  private readonly inflight = new Map<number, AbortController>();
  private readonly lastProgressEvent = new Map<number, number>();
  private stopped = false;

  constructor(
    private readonly run: RunRecord,
    private readonly executor: Executor,
    private readonly units: UnitCatalog,
    private readonly table: UnitTableView,
    private readonly transitions: Pick<UnitTransitions, "progressed">,
    private readonly clock: Clock,
    /** The supervisor's `attemptEnded`. */
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
        ...(log ? { onOutput: log.onOutput, watchOutput: log.watch } : {}),
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

  /** Progress goes in as a transition; it shows as an event at most once a second per attempt, and at the end. */
  private onProgress(i: number, fraction: number, message?: string): void {
    if (this.stopped || !this.inflight.has(i)) return;
    const now = this.clock.now();
    const shown = now - (this.lastProgressEvent.get(i) ?? 0) >= PROGRESS_EVENT_INTERVAL_MS || fraction >= 1;
    if (shown) this.lastProgressEvent.set(i, now);
    this.transitions.progressed(i, fraction, shown ? (message ? { message } : {}) : undefined);
  }

  /** The executor's outcome becomes the attempt's row (the one shape of it from here on) and goes to the supervisor. */
  private onOutcome(i: number, attempt: number, o: ExecutionOutcome): void {
    if (this.stopped) return;
    this.inflight.delete(i);
    this.lastProgressEvent.delete(i);
    const startedAt = o.startedAt ?? this.table.startedAt(i) ?? Number.NaN;
    const finishedAt = o.finishedAt ?? this.clock.now();
    const status: AttemptStatus = o.ok ? "succeeded" : o.cancelled ? "cancelled" : o.timedOut ? "timed_out" : "failed";
    this.trace?.attemptEnded(i, status, o.exitCode, o.error, finishedAt);
    const row = {
      index: i,
      number: attempt,
      status,
      startedAt,
      finishedAt,
      exitCode: o.exitCode,
      error: o.error ?? null,
      stdoutTail: o.stdoutTail ?? null,
      stderrTail: o.stderrTail ?? null,
    };
    this.ended({ row, result: o.ok ? o.result : undefined });
  }
}
