// The live source on the local executor: a real process printing over time
// hands its lines on while it runs (before its outcome), in order, stdout and
// stderr apart; lines and characters split across chunks come out whole, an
// endless line in bounded pieces. The engine's per-attempt ring stays within
// its byte bound however much a task prints, and lines go on the bus only
// while watched.
import { describe, expect, it } from "vitest";
import { TaskLogs } from "../../src/engine/task-logs.js";
import { busNotice, type TaskLogNotice } from "../../src/engine/bus-notices.js";
import { systemClock } from "../../src/engine/ports.js";
import { topics } from "../../src/engine/topics.js";
import { LineSplitter } from "../../src/executors/line-splitter.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { request } from "./local-process-support.js";

describe("live output of the local executor", () => {
  it("hands a running process's lines on before it ends, in order, stdout and stderr apart", async () => {
    const got: { at: number; stream: string; line: string }[] = [];
    const executor = new LocalProcessExecutor({
      command: `for i in 1 2 3; do echo "out $i"; sleep 0.05; echo "err $i" >&2; sleep 0.25; done; printf 'no newline'`,
    });
    const outcome = await executor.execute(
      request({ onOutput: (stream, lines) => lines.forEach((line) => got.push({ at: Date.now(), stream, line })) }),
    );
    const ended = Date.now();
    expect(outcome.ok).toBe(true);
    expect(got.map((g) => [g.stream, g.line])).toEqual([
      ["stdout", "out 1"],
      ["stderr", "err 1"],
      ["stdout", "out 2"],
      ["stderr", "err 2"],
      ["stdout", "out 3"],
      ["stderr", "err 3"],
      ["stdout", "no newline"],
    ]);
    expect(ended - got[0]!.at).toBeGreaterThan(500);
    // the stored tail is as before
    expect(outcome.stdoutTail).toBe("out 1\nout 2\nout 3\nno newline");
  });

  it("splits lines and UTF-8 characters across chunks, drops \\r, and cuts an endless line in pieces", () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(...l), 8);
    const euro = Buffer.from("€"); // 3 bytes
    s.push(Buffer.concat([Buffer.from("a"), euro.subarray(0, 1)]));
    s.push(Buffer.concat([euro.subarray(1), Buffer.from("b\r\nc")]));
    s.push("d\n\n0123456789abcdefghij");
    expect(lines).toEqual(["a€b", "cd", "", "01234567", "89abcdef"]);
    s.end();
    expect(lines.at(-1)).toBe("ghij");
  });
});

describe("the engine's attempt logs", () => {
  it("keep a ring bounded in bytes, publish only while watched, and answer a snapshot with the recent lines", async () => {
    const bus = new MemoryBus();
    const logs = new TaskLogs(bus, undefined, { ringBytes: 64 * 1024, flushMs: 1 });
    const topic = topics.taskLog("r", "t", 1);
    const seen: TaskLogNotice[] = [];
    bus.subscribe(topic, (e) => seen.push(...e));
    const a = logs.attempt("r", "t", 1);
    const line = "x".repeat(100);
    for (let i = 0; i < 10_000; i++) a.onOutput("stdout", [line]); // ~1 MB
    expect(seen).toEqual([]); // nobody watches: nothing published
    bus.publish(topics.logWatch, [busNotice("log.watch", { runId: "r", taskId: "t", attempt: 1, id: "me" })]);
    const snap = seen.find((e) => e.type === "log.snapshot")!;
    const lines = snap.data.lines as [number, number, string][];
    expect(snap.data).toMatchObject({ to: "me", last: 10_000, ended: false });
    expect(lines.reduce((n, l) => n + l[2].length, 0)).toBeLessThanOrEqual(64 * 1024);
    expect(lines.at(-1)![0]).toBe(10_000);
    expect(lines.length).toBeGreaterThan(400);
    a.onOutput("stderr", ["after"]);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.find((e) => e.type === "log.lines")?.data.lines).toEqual([[10_001, 1, "after"]]);
    a.end();
    expect(seen.at(-1)).toMatchObject({ type: "log.end", data: { last: 10_001 } });
    logs.close();
  });

  it("publish at most maxLinesPerSec lines of a watched attempt; the rest stay in the ring", async () => {
    const bus = new MemoryBus();
    const logs = new TaskLogs(bus, undefined, { maxLinesPerSec: 100, flushMs: 1 });
    const published: number[] = [];
    bus.subscribe(topics.taskLog("r", "t", 1), (e) =>
      e.forEach((x) => x.type === "log.lines" && published.push(...x.data.lines.map((l) => l[0]))),
    );
    bus.publish(topics.logWatch, [busNotice("log.watch", { runId: "r", taskId: "t", attempt: 1 })]);
    const a = logs.attempt("r", "t", 1);
    a.onOutput(
      "stdout",
      Array.from({ length: 1_000 }, (_, i) => `line ${i}`),
    ); // one chunk: no time to refill
    a.end();
    expect(published).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    logs.close();
  });

  it("publish a noisy attempt's lines in stretches, one gap between two, and give a new subscriber the last lines only", () => {
    const bus = new MemoryBus();
    let now = 10_000;
    const logs = new TaskLogs(bus, { ...systemClock, now: () => now }, { maxLinesPerSec: 100, flushMs: 1 });
    const topic = topics.taskLog("r", "t", 1);
    const published: number[] = [];
    const snapshots: TaskLogNotice[] = [];
    bus.subscribe(topic, (es) => {
      for (const e of es) {
        if (e.type === "log.lines") published.push(...e.data.lines.map((l) => l[0]));
        if (e.type === "log.snapshot") snapshots.push(e);
      }
    });
    bus.publish(topics.logWatch, [busNotice("log.watch", { runId: "r", taskId: "t", attempt: 1 })]);
    const a = logs.attempt("r", "t", 1);
    // 1,000 lines a second, in chunks of 10, for 3 s: ten times what may be published
    for (let i = 0; i < 300; i++) {
      a.onOutput(
        "stdout",
        Array.from({ length: 10 }, (_, k) => `line ${i * 10 + k + 1}`),
      );
      now += 10;
    }
    a.end();
    const runs: number[][] = [];
    for (const seq of published) {
      const run = runs.at(-1);
      if (run && run.at(-1) === seq - 1) run.push(seq);
      else runs.push([seq]);
    }
    expect(published.length).toBeLessThanOrEqual(100 + 3 * 100);
    expect(published.length).toBeGreaterThanOrEqual(3 * 100);
    expect(Math.min(...runs.map((r) => r.length))).toBeGreaterThanOrEqual(10); // not a line or two per chunk read
    expect(runs.length).toBeLessThanOrEqual(3 * 10 + 1);

    // a subscriber coming now gets as many of the lines so far as may be published: the last ones
    const b = logs.attempt("r", "t", 2);
    b.onOutput(
      "stdout",
      Array.from({ length: 1_000 }, (_, k) => `old ${k + 1}`),
    );
    now += 2_000;
    bus.publish(topics.logWatch, [busNotice("log.watch", { runId: "r", taskId: "t", attempt: 2, id: "late" })]);
    const got: TaskLogNotice[] = [];
    bus.subscribe(topics.taskLog("r", "t", 2), (es) => got.push(...es));
    bus.publish(topics.logWatch, [busNotice("log.watch", { runId: "r", taskId: "t", attempt: 2, id: "later" })]);
    const snap = got.find((e) => e.type === "log.snapshot")!;
    if (snap.type !== "log.snapshot") throw new Error("no snapshot");
    const lines = snap.data.lines;
    expect(snap.data.last).toBe(1_000);
    expect(lines.at(-1)![0]).toBe(1_000);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.length).toBeLessThanOrEqual(100);
    logs.close();
  });
});
