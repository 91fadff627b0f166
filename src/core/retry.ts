// When a failed attempt is tried again, and after how long. Backoff is
// exponential with full jitter (delay drawn uniformly from [0, ceiling]) so that
// many units failing together against one shared resource do not retry in lockstep.

export interface RetryPolicy {
  /** Retries allowed after the first attempt (2: up to 3 attempts in all). */
  retryLimit: number;
  /** Ceiling of the first retry's delay. */
  baseDelayMs: number;
  /** Growth of the ceiling per further retry. */
  factor: number;
  /** Cap on any one delay's ceiling. */
  maxDelayMs: number;
  /** Total backoff the whole run may be granted (sum of delays); unlimited when absent. */
  budgetMs?: number;
}

export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  retryLimit: 2,
  baseDelayMs: 1000,
  factor: 2,
  maxDelayMs: 60_000,
});

export interface RetryContext {
  /** The attempt that just failed, 1-based. */
  attempt: number;
  /** Uniform in [0, 1), e.g. Math.random; injected so decisions are reproducible. */
  random: () => number;
  /** Backoff already granted in this run (sum of earlier delays). */
  budgetUsedMs: number;
  /** False when the failure is known not to be transient; default true. */
  retryable?: boolean;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

export function decideRetry(policy: RetryPolicy, ctx: RetryContext): RetryDecision {
  if (ctx.retryable === false) return { retry: false, reason: "failure is not retryable" };
  if (ctx.attempt > policy.retryLimit) {
    return { retry: false, reason: `retry limit ${policy.retryLimit} reached` };
  }
  const remaining = policy.budgetMs === undefined ? Infinity : policy.budgetMs - ctx.budgetUsedMs;
  if (remaining <= 0) {
    return { retry: false, reason: `retry budget of ${policy.budgetMs} ms exhausted` };
  }
  // base * factor^n overflows to Infinity for large n; 0 * Infinity would be NaN.
  const ceiling = policy.baseDelayMs === 0 ? 0 : Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** (ctx.attempt - 1));
  // A delay that would overrun the budget is shortened to what is left, so the
  // budget bounds total waiting exactly without refusing a retry it can still afford.
  return { retry: true, delayMs: Math.min(Math.floor(ctx.random() * ceiling), remaining) };
}
