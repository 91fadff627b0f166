import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "../../src/core/errors.js";
import { parseRunOptions } from "../../src/core/run-options.js";

describe("parseRunOptions", () => {
  it("fills the documented defaults", () => {
    const o = parseRunOptions({});
    expect(o.maxParallel).toBe(1);
    expect(o.retry).toEqual({ retryLimit: 2, baseDelayMs: 1000, factor: 2, maxDelayMs: 60_000 });
    expect(o.continueOnError).toBe(false);
    expect(o.checkpointInterval).toBe(10);
    expect(o.keepCheckpoints).toBe(5);
    expect(o.executor).toBe("local");
  });

  it.each([
    [{ maxParallel: 0 }, "maxParallel"],
    [{ maxParallel: 1.5 }, "maxParallel"],
    [{ retry: { retryLimit: -1 } }, "retry.retryLimit"],
    [{ retry: { factor: 0.5 } }, "retry.factor"],
    [{ retry: { budgetMs: Number.POSITIVE_INFINITY } }, "retry.budgetMs"],
    [{ taskTimeoutMs: 0 }, "taskTimeoutMs"],
    [{ checkpointInterval: 0 }, "checkpointInterval"],
    [{ continueOnError: "yes" }, "continueOnError"],
    [{ parallel: 3 }, "parallel"],
  ])("rejects %j naming %s", (input, field) => {
    let caught: unknown;
    try {
      parseRunOptions(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect((caught as InvalidOptionError).field).toBe(field);
    expect((caught as Error).message.startsWith(`${field}:`)).toBe(true);
  });
});
