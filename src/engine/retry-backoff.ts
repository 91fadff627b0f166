// Retries of a driven run's failed tasks: each is decided by the run's retry
// policy, its backoff drawn from one budget that all of the run's retries share,
// and the task requeued by a timer once its backoff has passed.
import { decideRetry, type RetryDecision, type RetryPolicy } from "../core/retry.js";
import type { Clock } from "./ports.js";

export class RetryBackoff {
  private budgetUsedMs = 0;
  private readonly timers = new Map<number, unknown>();

  constructor(
    private readonly policy: RetryPolicy,
    private readonly clock: Clock,
    private readonly random: () => number,
  ) {}

  /** Whether a task whose attempt number `tries` (in this session) failed runs again; a retry spends its delay. */
  decide(tries: number): RetryDecision {
    const decision = decideRetry(this.policy, { attempt: tries, random: this.random, budgetUsedMs: this.budgetUsedMs });
    if (decision.retry) this.budgetUsedMs += decision.delayMs;
    return decision;
  }

  /** Calls `requeue` once unit i's backoff has passed, unless cleared first. */
  wait(i: number, delayMs: number, requeue: () => void): void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(i);
      requeue();
    }, delayMs);
    this.timers.set(i, timer);
  }

  /** Drops every backoff still running: the run has ended or is no longer driven here. */
  clear(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
  }
}
