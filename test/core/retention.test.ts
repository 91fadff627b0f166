// The retention policy as text and the decision of which finished runs it lets go.
import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "../../src/core/errors.js";
import { parseAge, parseRetention, runsToPrune, type FinishedRunFacts } from "../../src/core/retention.js";
import { parseRunOptions } from "../../src/core/run-options.js";

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

describe("parseRetention", () => {
  it.each([
    ["30d", { maxAgeMs: 30 * DAY }],
    ["1000 runs", { keepRuns: 1000 }],
    ["1 run", { keepRuns: 1 }],
    ["30d,1000 runs", { maxAgeMs: 30 * DAY, keepRuns: 1000 }],
    [" 500runs , 12h ", { keepRuns: 500, maxAgeMs: 12 * 3_600_000 }],
    ["2w", { maxAgeMs: 14 * DAY }],
  ])("%s", (text, policy) => expect(parseRetention(text)).toEqual(policy));

  it.each([
    ["30", /"30" is neither a duration/],
    ["30 days", /"30 days" is neither/],
    ["0d", /"0d" is neither/],
    ["1d,2d", /two ages/],
    ["5 runs,6 runs", /two counts/],
    [",", /empty/],
  ])("refuses %j naming the setting", (text, message) => {
    const err = (() => {
      try {
        parseRetention(text);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).field).toBe("CONVEYOR_RETENTION");
    expect((err as Error).message).toMatch(message);
  });

  it("ages: s, m, h, d, w; anything else is null", () => {
    expect([parseAge("45s"), parseAge("90m"), parseAge("1.5h")]).toEqual([45_000, 5_400_000, 5_400_000]);
    expect([parseAge("10"), parseAge("1y"), parseAge("-1d"), parseAge("")]).toEqual([null, null, null, null]);
  });

  it("a run's own retention is an option checked at start", () => {
    expect(parseRunOptions({ retention: "7d" }).retention).toBe("7d");
    expect(() => parseRunOptions({ retention: "a week" })).toThrow(/retention: expected a duration such as 30d/);
  });
});

describe("runsToPrune", () => {
  const run = (id: string, daysAgo: number, more: Partial<FinishedRunFacts> = {}): FinishedRunFacts => ({
    id,
    status: "succeeded",
    finishedAt: NOW - daysAgo * DAY,
    ...more,
  });
  const runs = [run("a", 40), run("b", 31), run("c", 29), run("d", 2, { status: "failed" }), run("e", 1, { status: "cancelled" })];

  it("by age: runs finished longer ago than the age, oldest first", () => {
    expect(runsToPrune(runs, { maxAgeMs: 30 * DAY }, NOW)).toEqual(["a", "b"]);
  });

  it("by count: all but the newest n", () => {
    expect(runsToPrune(runs, { keepRuns: 2 }, NOW)).toEqual(["a", "b", "c"]);
    expect(runsToPrune(runs, { keepRuns: 0 }, NOW)).toEqual(["a", "b", "c", "d", "e"]);
    expect(runsToPrune(runs, { keepRuns: 10 }, NOW)).toEqual([]);
  });

  it("both: a run goes when either says so", () => {
    expect(runsToPrune(runs, { maxAgeMs: 35 * DAY, keepRuns: 3 }, NOW)).toEqual(["a", "b"]);
    expect(runsToPrune(runs, { maxAgeMs: 3 * DAY, keepRuns: 4 }, NOW)).toEqual(["a", "b", "c"]);
  });

  it("never chooses a run that is not finished, however old", () => {
    const unfinished = (["pending", "running", "paused"] as const).map((status, i) => run(`u${i}`, 100, { status }));
    expect(runsToPrune([...unfinished, ...runs], { keepRuns: 0 }, NOW)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("a run's own retention replaces the policy for it and counts toward nothing", () => {
    const own = [run("keep-me", 40, { retentionMs: 90 * DAY }), run("drop-me", 3, { retentionMs: 2 * DAY })];
    expect(runsToPrune([...own, ...runs], { maxAgeMs: 30 * DAY, keepRuns: 3 }, NOW)).toEqual(["a", "b", "drop-me"]);
  });

  it("an empty policy keeps everything", () => {
    expect(runsToPrune(runs, {}, NOW)).toEqual([]);
  });
});
