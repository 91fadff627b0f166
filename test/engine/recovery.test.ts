// Crashes and leases with real processes: a process driving a 1,000-task run is
// killed with SIGKILL midway and another one finishes it without losing or
// repeating a recorded completion; two processes on PostgreSQL share one lease.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StoreLockedError } from "../../src/core/errors.js";
import { openDatabase } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { makeStore, storeKinds, tempDir, type TestStore } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { compiledIsCurrent } from "../support/compiled.js";
import { TEST_NODE_FLAGS } from "../support/node-flags.js";

const kinds = await storeKinds();
const children: ChildProcess[] = [];
const disposables: TestStore[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  for (const s of disposables.splice(0)) await s.dispose();
});

interface Child {
  proc: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function child(store: TestStore, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [...TEST_NODE_FLAGS, "--import", "tsx", "test/support/child-run.ts"], {
    env: {
      ...process.env,
      CHILD_COMPILED: compiledIsCurrent() ? "1" : "0",
      ...(store.config.databaseUrl ? { DATABASE_URL: store.config.databaseUrl } : { CONVEYOR_DATA_DIR: store.config.dataDir! }),
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(proc);
  const lines: string[] = [];
  let buf = "";
  proc.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  return { proc, lines, exited };
}

const doneCount = (c: Child) => c.lines.filter((l) => l.startsWith("DONE")).length;

describe.each(kinds)("crash recovery on %s", (kind) => {
  it("a run killed with SIGKILL midway is finished by a new process; every completion is recorded exactly once", async () => {
    const store = await makeStore(kind);
    disposables.push(store);
    const execLog = join(tempDir(), "executions.log");
    writeFileSync(execLog, "");
    const a = child(store, { CHILD_MODE: "start", CHILD_TASKS: "1000", CHILD_EXEC_LOG: execLog, CHILD_LEASE_MS: "1000" });
    await eventually(() => doneCount(a) >= 300, 60_000);
    a.proc.kill("SIGKILL");
    await a.exited;
    const runId = a.lines.find((l) => l.startsWith("RUN "))!.slice(4);
    const beforeKill = doneCount(a);
    const executedByA = readFileSync(execLog, "utf8").split("\n").filter(Boolean);
    const committedByA = new Set(a.lines.filter((l) => l.startsWith("DONE ")).map((l) => l.split(" ")[2]!));
    expect(beforeKill).toBeLessThan(1000);

    const b = child(store, { CHILD_MODE: "recover", CHILD_EXEC_LOG: execLog, CHILD_LEASE_MS: "1000" });
    expect(await b.exited).toBe(0);
    expect(b.lines).toContain(`RECOVERED ${runId}`);

    const db = await openDatabase({ url: store.config.databaseUrl, dataDir: store.config.dataDir });
    try {
      const s = new PrismaRunStore(db);
      const run = (await s.getRun(runId))!;
      expect([run.status, run.succeeded, run.total]).toEqual(["succeeded", 1000, 1000]);
      const events = await s.readEvents(runId, 0, 100_000);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const succeededPerTask = new Map<string, number>();
      for (const e of events) if (e.type === "task.succeeded") succeededPerTask.set(e.taskId!, (succeededPerTask.get(e.taskId!) ?? 0) + 1);
      expect(succeededPerTask.size).toBe(1000);
      expect([...succeededPerTask.values()].every((n) => n === 1)).toBe(true);
      const attempts = await s.listAttempts(runId);
      const ok = attempts.filter((x) => x.status === "succeeded");
      expect(new Set(ok.map((x) => x.index)).size).toBe(1000);
      expect(ok).toHaveLength(1000);
      // tasks caught running by the kill: their attempt is closed as interrupted, then re-run
      const interrupted = attempts.filter((x) => x.error?.startsWith("interrupted"));
      expect(interrupted.length).toBeGreaterThan(0);
      expect(interrupted.length).toBeLessThanOrEqual(8);
      expect(attempts.every((x) => x.status !== "running")).toBe(true);
      // execution is at least once: every task ran, and only those whose success A had not
      // committed yet ran twice (finished ones among them: a batch nothing waits for gathers
      // for up to 10 ms before its commit)
      const executed = readFileSync(execLog, "utf8").trim().split("\n");
      expect(new Set(executed).size).toBe(1000);
      const ranTwice = executed.filter((id, i) => executed.indexOf(id) !== i);
      expect(ranTwice.every((id) => executedByA.includes(id) && !committedByA.has(id))).toBe(true);
      expect(committedByA.size).toBe(beforeKill);
      // B picked up where A left off: it completed only what A had not (A printed each completion after its commit)
      expect(doneCount(b)).toBeGreaterThan(0);
      expect(doneCount(b)).toBeLessThanOrEqual(1000 - beforeKill);
    } finally {
      await db.close();
    }
  });
});

describe("the embedded store", () => {
  it("refuses a second process with a message naming the holder", async () => {
    const store = await makeStore("pglite");
    disposables.push(store);
    const execLog = join(tempDir(), "executions.log");
    const a = child(store, { CHILD_MODE: "start", CHILD_TASKS: "200", CHILD_TASK_MS: "200", CHILD_EXEC_LOG: execLog });
    await eventually(() => a.lines.some((l) => l.startsWith("RUN ")), 30_000);
    const err = await openDatabase({ dataDir: store.config.dataDir! }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as Error).message).toContain(`in use by process ${a.proc.pid}`);
  });
});

describe.skipIf(!kinds.includes("postgres"))("one lease, two processes (PostgreSQL)", () => {
  it("a second process leaves a leased run alone and takes it over when the lease expires", async () => {
    const store = await makeStore("postgres");
    disposables.push(store);
    const execLog = join(tempDir(), "executions.log");
    writeFileSync(execLog, "");
    // ~9 s of work at this pace: A is still running when it is killed
    const a = child(store, {
      CHILD_MODE: "start",
      CHILD_TASKS: "600",
      CHILD_TASK_MS: "30",
      CHILD_PARALLEL: "2",
      CHILD_EXEC_LOG: execLog,
      CHILD_LEASE_MS: "2000",
    });
    await eventually(() => doneCount(a) >= 20, 30_000);
    const runId = a.lines.find((l) => l.startsWith("RUN "))!.slice(4);

    // B on the same database while A is alive: nothing to take over, and resuming is refused
    const b = child(store, { CHILD_MODE: "recover", CHILD_EXEC_LOG: execLog, CHILD_LEASE_MS: "2000" });
    await new Promise((r) => setTimeout(r, 3_000));
    expect(b.lines.filter((l) => l.startsWith("RECOVERED"))).toEqual([]);
    expect(doneCount(a)).toBeGreaterThan(20);
    expect(doneCount(a)).toBeLessThan(600);

    a.proc.kill("SIGKILL");
    await a.exited;
    expect(await b.exited).toBe(0);
    expect(b.lines).toContain(`RECOVERED ${runId}`);

    const db = await openDatabase({ url: store.config.databaseUrl! });
    try {
      const s = new PrismaRunStore(db);
      const run = (await s.getRun(runId))!;
      expect([run.status, run.succeeded]).toEqual(["succeeded", 600]);
      const events = await s.readEvents(runId, 0, 100_000);
      const completions = events.filter((e) => e.type === "task.succeeded").map((e) => e.taskId);
      expect(completions).toHaveLength(600);
      expect(new Set(completions).size).toBe(600);
    } finally {
      await db.close();
    }
  });
});
