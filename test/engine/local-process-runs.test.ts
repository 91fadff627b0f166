// Runs of real processes through the engine, on both stores: the environment a
// task sees, output tails, timeouts and cancellation killing whole process
// groups, and retry backoff on a clock the test controls.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { storeKinds, tempDir } from "../support/databases.js";
import { eventually, ManualClock, openTestEngine, recordEvents, type TestEngine } from "../support/engine.js";

const kinds = await storeKinds();

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // a zombie (exited, not yet reaped by an init that does not reap) counts as gone
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

describe.each(kinds)("local processes on %s", (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine(kind);
  });
  afterAll(async () => t?.close());

  it("gives each task its environment, keeps output tails, result and progress", async () => {
    const dir = tempDir();
    const script = join(dir, "task.sh");
    writeFileSync(
      script,
      [
        "#!/bin/sh",
        'echo "id=$1 run=$CONVEYOR_RUN_ID task=$CONVEYOR_TASK_ID title=$CONVEYOR_TASK_TITLE attempt=$CONVEYOR_ATTEMPT"',
        'echo "json=$CONVEYOR_TASK_JSON"',
        'echo "cwd=$(pwd)"',
        "echo '::conveyor progress 50% half way'",
        'echo "::conveyor result {\\"id\\": \\"$1\\"}"',
        "echo oops >&2",
      ].join("\n"),
      { mode: 0o755 },
    );
    const id = `env-${Math.random().toString(36).slice(2, 6)}`;
    const source = inlineSource([{ id, title: "Say hello", description: "d" }]);
    const { runId } = await t.engine.startRun({ source, options: { command: `${script} {id}`, cwd: dir } });
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    const [a] = await t.engine.store.listAttempts(runId);
    expect(a!.exitCode).toBe(0);
    expect(a!.stdoutTail).toContain(`id=${id} run=${runId} task=${id} title=Say hello attempt=1`);
    expect(a!.stdoutTail).toContain(`cwd=${dir}`);
    const json = JSON.parse(/json=(.*)/.exec(a!.stdoutTail!)![1]!);
    expect(json).toMatchObject({ id, title: "Say hello", description: "d" });
    expect(a!.stderrTail).toContain("oops");
    const [u] = await t.engine.store.loadUnits(runId);
    expect(u!.state.result).toEqual({ id });
    expect(u!.state.progress).toBe(0.5);
  });

  it("kills the whole process group of a task that times out, and of a cancelled run", async () => {
    const dir = tempDir();
    const pids = join(dir, "pids");
    // the task starts a grandchild and waits: only a group kill ends both
    const cmd = `sleep 30 & echo $! >> ${pids}; echo $$ >> ${pids}; wait`;
    const id = `hang-${Math.random().toString(36).slice(2, 6)}`;
    const { runId } = await t.engine.startRun({
      source: inlineSource([{ id, command: cmd }]),
      options: { taskTimeoutMs: 300, retry: { retryLimit: 0 } },
    });
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("failed");
    const [a] = await t.engine.store.listAttempts(runId);
    expect([a!.status, a!.error]).toEqual(["timed_out", "timed out after 300 ms"]);
    const started = readFileSync(pids, "utf8").trim().split("\n").map(Number);
    await eventually(() => started.every((p) => !alive(p)), 5_000);

    writeFileSync(pids, "");
    const id2 = `hang2-${Math.random().toString(36).slice(2, 6)}`;
    const r2 = await t.engine.startRun({ source: inlineSource([{ id: id2, command: cmd }]) });
    await eventually(() => readFileSync(pids, "utf8").trim().split("\n").length >= 2, 5_000);
    await t.engine.cancelRun(r2.runId);
    expect((await t.engine.waitForRun(r2.runId)).status).toBe("cancelled");
    const started2 = readFileSync(pids, "utf8").trim().split("\n").map(Number);
    await eventually(() => started2.every((p) => !alive(p)), 5_000);
    const [a2] = await t.engine.store.listAttempts(r2.runId);
    expect(a2!.status).toBe("cancelled");
  });

  it("times out a whole run: running tasks are cancelled and their process groups killed, grandchildren included", async () => {
    const dir = tempDir();
    const pids = join(dir, "pids");
    writeFileSync(pids, "");
    const cmd = `sleep 30 & echo $! >> ${pids}; echo $$ >> ${pids}; wait`;
    const p = `rt-${Math.random().toString(36).slice(2, 6)}`;
    const ids = [1, 2, 3, 4].map((n) => `${p}-${n}`);
    const began = Date.now();
    const { runId } = await t.engine.startRun({
      source: inlineSource(ids.map((id) => ({ id, command: cmd }))),
      options: { runTimeoutMs: 1_000, maxParallel: 2, retry: { retryLimit: 0 } },
    });
    await eventually(() => readFileSync(pids, "utf8").trim().split("\n").length === 4, 5_000);
    const started = readFileSync(pids, "utf8").trim().split("\n").map(Number);
    expect(started.every(alive)).toBe(true);
    const run = await t.engine.waitForRun(runId);
    expect(Date.now() - began).toBeLessThan(5_000);
    expect([run.status, run.reason]).toEqual(["timed_out", "run timed out after 1000 ms"]);
    expect([run.cancelled, run.running, run.pending, run.failed]).toEqual([4, 0, 0, 0]);
    const units = await t.engine.store.loadUnits(runId);
    expect(units.map((u) => u.state.status)).toEqual(["cancelled", "cancelled", "cancelled", "cancelled"]);
    // only the two that ran have an attempt, and it ended cancelled, not failed
    const attempts = await t.engine.store.listAttempts(runId);
    expect(attempts.map((a) => [a.index, a.status, a.error])).toEqual([
      [0, "cancelled", "cancelled"],
      [1, "cancelled", "cancelled"],
    ]);
    await eventually(() => started.every((pid) => !alive(pid)), 5_000);
  });

  it("records a failing command's exit code and output on every attempt", async () => {
    const id = `fail-${Math.random().toString(36).slice(2, 6)}`;
    const { runId } = await t.engine.startRun({
      source: inlineSource([{ id, command: "echo attempt $CONVEYOR_ATTEMPT; exit 3" }]),
      options: { retry: { retryLimit: 1, baseDelayMs: 1 } },
    });
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("failed");
    const attempts = await t.engine.store.listAttempts(runId);
    expect(attempts.map((a) => [a.number, a.exitCode, a.stdoutTail?.trim()])).toEqual([
      [1, 3, "attempt 1"],
      [2, 3, "attempt 2"],
    ]);
  });
});

describe.each(kinds)("retry backoff on a controlled clock, %s", (kind) => {
  const clock = new ManualClock();
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine(kind, { clock, random: () => 0.5 });
  });
  afterAll(async () => t?.close());

  it("waits full-jitter exponential delays, capped, before each retry", async () => {
    const id = `backoff-${Math.random().toString(36).slice(2, 6)}`;
    let calls = 0;
    t.tasks.set(id, () => {
      calls++;
      throw new Error("transient");
    });
    const { runId } = await t.engine.startRun({
      source: inlineSource([id]),
      options: { executor: "fn", retry: { retryLimit: 3, baseDelayMs: 1_000, factor: 4, maxDelayMs: 10_000 } },
    });
    const events = recordEvents(t.engine, runId);
    // random() = 0.5: delays are half the ceiling: 1000, 4000, min(16000, cap 10000) -> 500, 2000, 5000
    for (const [n, delay] of [
      [1, 500],
      [2, 2_000],
      [3, 5_000],
    ] as const) {
      await eventually(() => calls === n && clock.pendingTimers.includes(delay));
      clock.advance(delay - 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(calls).toBe(n);
      clock.advance(1);
    }
    const run = await t.engine.waitForRun(runId);
    expect([run.status, calls]).toEqual(["failed", 4]);
    expect(events.filter((e) => e.type === "task.retrying").map((e) => e.data.delayMs)).toEqual([500, 2_000, 5_000]);
    expect(events.find((e) => e.type === "task.failed")!.data.final).toBe("retry limit 3 reached");
  });
});
