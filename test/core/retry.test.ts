import { describe, expect, it } from "vitest";
import { decideRetry, defaultRetryPolicy, type RetryPolicy } from "../../src/core/retry.js";

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...defaultRetryPolicy, ...over });
const fixed = (r: number) => () => r;

describe("decideRetry", () => {
  it.each([
    // [policy, attempt, random, budgetUsedMs, expected delay]
    [policy(), 1, 0.5, 0, 500],
    [policy(), 2, 0.5, 0, 1000],
    [policy({ retryLimit: 5 }), 3, 0.5, 0, 2000],
    [policy(), 1, 0, 0, 0],
    [policy(), 2, 0.999999, 0, 1999],
    // ceiling 1000 * 2^9 = 512000, capped at 60000
    [policy({ retryLimit: 20 }), 10, 0.5, 0, 30_000],
    [policy({ retryLimit: 20, maxDelayMs: 5000 }), 20, 0.999999, 0, 4999],
    // factor^n overflows to Infinity: still capped
    [policy({ retryLimit: 5000 }), 4000, 0.5, 0, 30_000],
    [policy({ baseDelayMs: 0, retryLimit: 5000 }), 4000, 0.5, 0, 0],
    // budget: a delay that would overrun is shortened to what is left
    [policy({ budgetMs: 5000 }), 2, 0.9, 4500, 500],
    [policy({ budgetMs: 5000 }), 1, 0.5, 1000, 500],
  ])("%o attempt %i random %d used %i → %i ms", (p, attempt, r, budgetUsedMs, delayMs) => {
    expect(decideRetry(p, { attempt, random: fixed(r), budgetUsedMs })).toEqual({ retry: true, delayMs });
  });

  it("keeps every delay within [0, cap] and draws from random", () => {
    const p = policy({ retryLimit: 30, baseDelayMs: 100, factor: 3, maxDelayMs: 10_000 });
    let seed = 1;
    const draws: number[] = [];
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      const r = (seed - 1) / 2147483646;
      draws.push(r);
      return r;
    };
    for (let attempt = 1; attempt <= 30; attempt++) {
      const d = decideRetry(p, { attempt, random, budgetUsedMs: 0 });
      if (!d.retry) throw new Error("expected a retry");
      const ceiling = Math.min(10_000, 100 * 3 ** (attempt - 1));
      expect(d.delayMs).toBeGreaterThanOrEqual(0);
      expect(d.delayMs).toBeLessThanOrEqual(ceiling);
      expect(d.delayMs).toBe(Math.floor(draws[attempt - 1]! * ceiling));
    }
    expect(draws).toHaveLength(30);
  });

  it.each([
    [policy(), 3, 0, "retry limit 2 reached"],
    [policy({ retryLimit: 0 }), 1, 0, "retry limit 0 reached"],
    [policy({ budgetMs: 5000 }), 1, 5000, "retry budget of 5000 ms exhausted"],
    [policy({ budgetMs: 5000 }), 1, 7000, "retry budget of 5000 ms exhausted"],
    [policy({ budgetMs: 0 }), 1, 0, "retry budget of 0 ms exhausted"],
  ])("%o attempt %i used %i → %s", (p, attempt, budgetUsedMs, reason) => {
    expect(decideRetry(p, { attempt, random: fixed(0.5), budgetUsedMs })).toEqual({ retry: false, reason });
  });

  it("allows exactly retryLimit retries", () => {
    const attempts = [1, 2, 3, 4].map((attempt) => decideRetry(policy(), { attempt, random: fixed(0), budgetUsedMs: 0 }).retry);
    expect(attempts).toEqual([true, true, false, false]);
  });

  it("does not retry a failure marked non-retryable", () => {
    expect(decideRetry(policy(), { attempt: 1, random: fixed(0), budgetUsedMs: 0, retryable: false })).toEqual({
      retry: false,
      reason: "failure is not retryable",
    });
  });
});
