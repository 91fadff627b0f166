// The spans of one run as one supervisor drives it: the run's root, a span per
// task attempt, one per retry's backoff (its delay as an attribute, its length
// the wait), one per group commit (a batch, never a task) and one per checkpoint
// inside the commit that makes it durable. Exists only when tracing is on.
import type { AttemptStatus } from "./store.js";
import type { TraceAttributes, TraceSpan, Tracer } from "./tracing.js";

/** What a commit span records of its batch. */
export interface CommitFacts {
  tasks: number;
  attempts: number;
  events: number;
}

export class RunTrace {
  private readonly root: TraceSpan;
  private readonly attempts = new Map<number, TraceSpan>();
  private readonly backoffs = new Map<number, TraceSpan>();
  private ended = false;

  constructor(
    private readonly tracer: Tracer,
    attributes: TraceAttributes,
    traceparent: string | undefined,
  ) {
    this.root = tracer.startRoot("conveyor.run", attributes, traceparent);
  }

  /** The run span's context: what an executor that runs the whole run (Argo) hands its pods. */
  get traceparent(): string {
    return this.root.traceparent;
  }

  /** Opens attempt `attempt` of unit i; returns its traceparent for the task process. */
  attemptStarted(i: number, taskId: string, attempt: number): string {
    this.backoffEnded(i);
    const span = this.tracer.startChild(this.root, "conveyor.attempt", { "conveyor.task.id": taskId, "conveyor.attempt": attempt });
    this.attempts.set(i, span);
    return span.traceparent;
  }

  attemptEnded(i: number, status: AttemptStatus, exitCode: number | null, error: string | undefined, finishedAt: number): void {
    const span = this.attempts.get(i);
    if (!span) return;
    this.attempts.delete(i);
    const attributes: TraceAttributes = { "conveyor.attempt.status": status };
    if (exitCode !== null) attributes["process.exit.code"] = exitCode;
    span.setAttributes(attributes);
    span.end(status === "succeeded" ? {} : { error: error ?? status }, finishedAt);
  }

  /** A failed attempt will be retried after `delayMs`: the wait is a span of its own, ended when the task is queued again. */
  backoffStarted(i: number, taskId: string, attempt: number, delayMs: number): void {
    this.backoffs.set(
      i,
      this.tracer.startChild(this.root, "conveyor.backoff", {
        "conveyor.task.id": taskId,
        "conveyor.attempt": attempt,
        "conveyor.backoff.delay_ms": delayMs,
      }),
    );
  }

  backoffEnded(i: number): void {
    const span = this.backoffs.get(i);
    if (!span) return;
    this.backoffs.delete(i);
    span.end();
  }

  commitStarted(facts: CommitFacts): TraceSpan {
    return this.tracer.startChild(this.root, "conveyor.commit", {
      "conveyor.commit.tasks": facts.tasks,
      "conveyor.commit.attempts": facts.attempts,
      "conveyor.commit.events": facts.events,
    });
  }

  checkpointStarted(commit: TraceSpan, id: string, reason: string): TraceSpan {
    return this.tracer.startChild(commit, "conveyor.checkpoint", { "conveyor.checkpoint.id": id, "conveyor.checkpoint.reason": reason });
  }

  /** The run settled (ERROR unless every task succeeded), paused, or this process let it go ("running"). */
  runEnded(status: string, reason: string | null): void {
    if (this.ended) return;
    this.ended = true;
    for (const i of [...this.backoffs.keys()]) this.backoffEnded(i);
    for (const span of this.attempts.values()) span.end({ error: "the run stopped being driven here" });
    this.attempts.clear();
    this.root.setAttributes({ "conveyor.run.status": status });
    const bad = status === "failed" || status === "completed_with_failures" || status === "cancelled" || status === "timed_out";
    this.root.end(bad ? { error: reason ?? status } : {});
  }
}
