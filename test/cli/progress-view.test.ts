// What `conveyor run` shows while a run goes (src/cli/progress-view.ts): the live
// progress line (bar, percent, counts, ETA, the first running tasks), the view that
// redraws it in place on a terminal, and the one-line-per-event mode off a terminal.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Progress } from "../../src/core/progress.js";
import { TASK_STATUSES, type TaskStatus } from "../../src/core/status.js";
import type { RunEvent, RunEventType } from "../../src/core/events.js";
import { eventOf } from "../support/events.js";
import { eventLine, progressLine, ProgressView } from "../../src/cli/progress-view.js";

function progress(total: number, counts: Partial<Record<TaskStatus, number>>, over: Partial<Progress> = {}): Progress {
  const all = Object.fromEntries(TASK_STATUSES.map((s) => [s, counts[s] ?? 0])) as Record<TaskStatus, number>;
  const settled = all.succeeded + all.failed + all.skipped + all.cancelled;
  return {
    total,
    settled,
    percent: total === 0 ? 100 : (settled / total) * 100,
    counts: all,
    memoized: 0,
    running: [],
    throughputPerSec: 0,
    etaMs: null,
    etaAt: null,
    ...over,
  };
}

describe("progressLine", () => {
  it("shows an empty bar, the counts and an unknown ETA before anything ran", () => {
    expect(progressLine(progress(10, { pending: 10 }))).toBe("[------------------------]   0%  0/10  ok 0  running 0  ETA --");
  });

  it("adds cached, failed, skipped and retrying only when there are some, and the running tasks with their time", () => {
    const p = progress(
      8,
      { succeeded: 2, failed: 1, skipped: 1, retrying: 1, running: 2, pending: 1 },
      {
        memoized: 1,
        etaMs: 125_000,
        running: [
          { id: "a", elapsedMs: 1_500 },
          { id: "b", elapsedMs: 450 },
        ],
      },
    );
    expect(progressLine(p)).toBe(
      "[############------------]  50%  4/8  ok 2  cached 1  failed 1  skipped 1  retrying 1  running 2  ETA 2m05s  | a 2s, b 450ms",
    );
  });

  it.each([
    [1, 3, "[########----------------]  33%"],
    [2, 3, "[################--------]  66%"],
    [1, 200, "[------------------------]   0%"],
    [3, 3, "[########################] 100%"],
  ])("rounds %i of %i down to a 24-wide bar and a whole percent: %s", (done, total, head) => {
    const line = progressLine(progress(total, { succeeded: done, pending: total - done }));
    expect(line.startsWith(`${head}  ${done}/${total}  ok ${done}  `)).toBe(true);
  });

  it("shows 100% and a full bar only once every task settled", () => {
    const line = progressLine(progress(200, { succeeded: 199, running: 1 }));
    expect(line).toMatch(/^\[#{23}-\] {2}99% {2}199\/200/);
  });

  it.each([
    [null, "--"],
    [0, "0s"],
    [999, "999ms"],
    [59_400, "59s"],
    [59_600, "1m00s"],
    [3_599_000, "59m59s"],
    [3_723_000, "1h02m"],
  ])("formats an ETA of %s ms as %s", (etaMs, shown) => {
    expect(progressLine(progress(2, { pending: 2 }, { etaMs }))).toMatch(new RegExp(`  ETA ${shown}$`));
  });

  it("names at most three running tasks, however many run", () => {
    const running = ["r1", "r2", "r3", "r4", "r5"].map((id) => ({ id, elapsedMs: 2_000 }));
    const line = progressLine(progress(5, { running: 5 }, { running }));
    expect(line).toContain("running 5  ETA --  | r1 2s, r2 2s, r3 2s");
    expect(line).not.toContain("r4");
  });
});

describe("eventLine", () => {
  it("prints time, sequence, type, task and the scalar facts, quoting strings with spaces", () => {
    // facts beyond its type's, of every kind: what a newer server may send to `conveyor watch`
    const e = {
      runId: "r",
      seq: 7,
      type: "task.retrying",
      taskId: "t1",
      data: { attempt: 1, error: "exited with code 1", delayMs: 500, kind: "shell", nested: { a: 1 }, none: null, gone: undefined },
      at: Date.UTC(2026, 0, 2, 3, 4, 5, 67),
    } as unknown as RunEvent;
    expect(eventLine(e)).toBe('03:04:05.067 #7 task.retrying t1 attempt=1 error="exited with code 1" delayMs=500 kind=shell');
    expect(eventLine({ runId: "r", seq: 1, type: "task.memoized", data: {}, at: 0 })).toBe("00:00:00.000 #1 task.memoized");
  });
});

describe("ProgressView", () => {
  let written: string[];
  const target = (isTTY: boolean, columns?: number) => ({ isTTY, columns, write: (t: string) => void written.push(t) });
  const event = (seq: number, type: RunEventType, taskId?: string) => eventOf(type, { seq, ...(taskId ? { taskId } : {}), at: 0 });
  beforeEach(() => {
    written = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it("on a terminal redraws one line in place at its interval, blanking what a longer line left, and ends it on stop", () => {
    let p = progress(8, { succeeded: 2, failed: 1, running: 1, pending: 4 }, { running: [{ id: "long-task-name", elapsedMs: 1_000 }] });
    const view = new ProgressView(target(true), () => p, 200);
    view.start();
    expect(written).toEqual([]);
    vi.advanceTimersByTime(200);
    const first = progressLine(p);
    expect(written).toEqual([`\r${first}`]);

    p = progress(8, { succeeded: 3, pending: 5 });
    const second = progressLine(p);
    expect(second.length).toBeLessThan(first.length);
    view.onEvents([event(1, "task.succeeded", "t3")]); // no event lines on a terminal
    vi.advanceTimersByTime(200);
    expect(written[1]).toBe(`\r${second}${" ".repeat(first.length - second.length)}`);

    p = progress(8, { succeeded: 8 }, { etaMs: 0 });
    view.stop();
    expect(written.slice(2)).toEqual([`\r${progressLine(p)}`, "\n"]);
    vi.advanceTimersByTime(1_000);
    expect(written).toHaveLength(4);
  });

  it("cancelled (Ctrl-C), blanks its line and draws no more, not even on stop: the last state is not how the run ended", () => {
    const p = progress(10, { pending: 10 });
    const view = new ProgressView(target(true), () => p, 200);
    view.start();
    vi.advanceTimersByTime(200);
    expect(written).toEqual([`\r${progressLine(p)}`]);
    view.cancel();
    expect(written[1]).toBe("\r\x1b[K");
    vi.advanceTimersByTime(1_000);
    view.stop();
    expect(written).toHaveLength(2);
    const plain = new ProgressView(target(false), () => p, 200);
    plain.cancel();
    plain.onEvents([event(1, "task.started", "t1")]);
    expect(written).toHaveLength(2);
  });

  it("cuts the line to the terminal's width, so that it never wraps and the redraw stays on one line", () => {
    const p = progress(8, { succeeded: 2, running: 3, pending: 3 }, { running: [{ id: "a-very-long-task-name", elapsedMs: 1_000 }] });
    const full = progressLine(p);
    const view = new ProgressView(target(true, 40), () => p, 200);
    view.start();
    vi.advanceTimersByTime(200);
    view.stop();
    expect(written[0]).toBe(`\r${full.slice(0, 38)}…`);
    expect(written[0]!.length - 1).toBe(39);
  });

  it("off a terminal prints one line per event (checkpoints left out) and never draws the bar", () => {
    const view = new ProgressView(target(false), () => progress(1, { pending: 1 }), 200);
    view.start();
    vi.advanceTimersByTime(1_000);
    view.onEvents([event(1, "run.started"), event(2, "run.checkpoint"), event(3, "task.succeeded", "t1")]);
    view.stop();
    expect(written).toEqual([
      "00:00:00.000 #1 run.started mode=start total=2\n",
      "00:00:00.000 #3 task.succeeded t1 attempt=1 durationMs=5 exitCode=0\n",
    ]);
  });
});
