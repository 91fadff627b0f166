// A driver that is provably gone loses its runs at once: its lease names the
// host, the boot, the pid and the process's start time, and /proc shows that
// process no longer exists. Real processes throughout: a child driving a run
// is killed with SIGKILL under a 60 s lease, and recover and resume take its run
// in well under that; a driver elsewhere (another host) keeps its run until its
// lease expires, and is reported as silent with the time left.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StoreLockedError } from "../../src/core/errors.js";
import { formatOwner, parseOwner, type ProcessIdentity } from "../../src/core/lease-owner.js";
import { runState } from "../../src/core/run-state.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { Engine } from "../../src/engine/engine.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { ProcLiveness } from "../../src/runtime/process-liveness.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { makeStore, storeKinds, tempDir, type TestStore } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { compiledIsCurrent } from "../support/compiled.js";
import { TEST_NODE_FLAGS } from "../support/node-flags.js";

const kinds = await storeKinds();
const live = new ProcLiveness();
const children: ChildProcess[] = [];
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const c of cleanup.splice(0).reverse()) await c();
});

function startTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
}

/** A real process, its identity, and a way to end it (resolves once it is reaped). */
function sleeper() {
  const proc = spawn("sleep", ["60"], { stdio: "ignore" });
  children.push(proc);
  const exited = new Promise<void>((r) => proc.on("exit", () => r()));
  const id: ProcessIdentity = { ...live.self!, pid: proc.pid!, startTicks: startTicks(proc.pid!) };
  return { id, kill: async () => (proc.kill("SIGKILL"), await exited) };
}

describe.skipIf(!live.self)("process liveness from /proc", () => {
  it("identifies this process, and only proves gone a process of this host and boot that ended", async () => {
    expect(live.self!.pid).toBe(process.pid);
    expect(live.self!.host).toBe(hostname());
    const s = sleeper();
    const owner = formatOwner(s.id, "abcd1234");
    expect(parseOwner(owner)).toEqual(s.id);
    expect(live.isGone(owner)).toBe(false);
    // the same pid with another start time is another process: the one in the lease is gone
    expect(live.isGone(formatOwner({ ...s.id, startTicks: s.id.startTicks + 1 }, "x"))).toBe(true);
    await s.kill();
    expect(live.isGone(owner)).toBe(true);
    // nothing can be proved about another host, another boot, or an owner without an identity
    expect(live.isGone(formatOwner({ ...s.id, host: `${hostname()}-other` }, "x"))).toBe(false);
    expect(live.isGone(formatOwner({ ...s.id, bootId: "00000000-0000-0000-0000-000000000000" }, "x"))).toBe(false);
    expect(live.isGone(`${hostname()}:${s.id.pid}:abcd1234`)).toBe(false);
    expect(live.isGone(formatOwner(live.self!, "other-engine"))).toBe(false);
  });

  it("derives interrupted from the lease: expired, or its driver gone", () => {
    const now = 1_000_000;
    expect(runState({ status: "running", leaseOwner: "a", leaseExpiresAt: now + 5_000 }, now, false)).toBe("running");
    expect(runState({ status: "running", leaseOwner: "a", leaseExpiresAt: now + 5_000 }, now, true)).toBe("interrupted");
    expect(runState({ status: "running", leaseOwner: "a", leaseExpiresAt: now - 1 }, now, false)).toBe("interrupted");
    expect(runState({ status: "pending", leaseOwner: null, leaseExpiresAt: null }, now, false)).toBe("interrupted");
    expect(runState({ status: "paused", leaseOwner: null, leaseExpiresAt: null }, now, false)).toBe("paused");
    expect(runState({ status: "failed", leaseOwner: null, leaseExpiresAt: null }, now, true)).toBe("failed");
  });
});

/** A child process (test/support/child-run.ts) that starts a 1,000-task run under a 60 s lease. */
function driver(store: TestStore, execLog: string) {
  const proc = spawn(process.execPath, [...TEST_NODE_FLAGS, "--import", "tsx", "test/support/child-run.ts"], {
    env: {
      ...process.env,
      CHILD_COMPILED: compiledIsCurrent() ? "1" : "0",
      DATABASE_URL: store.config.databaseUrl!,
      CHILD_MODE: "start",
      CHILD_TASKS: "1000",
      CHILD_TASK_MS: "20",
      CHILD_EXEC_LOG: execLog,
      CHILD_LEASE_MS: "60000",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(proc);
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.on("exit", () => r()));
  return { output: () => out, kill: async () => (proc.kill("SIGKILL"), await exited) };
}

describe.skipIf(!kinds.includes("postgres") || !live.self)("a dead driver's runs on PostgreSQL", () => {
  async function open(leaseMs = 60_000): Promise<{ db: Database; engine: Engine; store: TestStore }> {
    const store = await makeStore("postgres");
    const db = await openDatabase({ url: store.config.databaseUrl! });
    const engine = new Engine({
      store: new PrismaRunStore(db),
      bus: new MemoryBus(),
      executors: { fn: () => new InProcessExecutor(() => "ok") },
      leaseMs,
      liveness: live,
    });
    cleanup.push(async () => {
      await engine.stop();
      await db.close();
      await store.dispose();
    });
    return { db, engine, store };
  }

  async function killedMidRun(store: TestStore) {
    const execLog = join(tempDir(), "executions.log");
    writeFileSync(execLog, "");
    const d = driver(store, execLog);
    await eventually(() => (d.output().match(/^DONE /gm)?.length ?? 0) >= 50, 90_000);
    const runId = /^RUN (\S+)$/m.exec(d.output())![1]!;
    await d.kill();
    return runId;
  }

  it.each(["recover", "resume", "orphan-watch"] as const)(
    "%s takes a SIGKILLed driver's run at once, long before its 60 s lease expires",
    async (how) => {
      // the watch of a serving replica looks every half of its own lease: 1 s here
      const { engine, store } = await open(how === "orphan-watch" ? 2_000 : 60_000);
      const runId = await killedMidRun(store);
      const before = (await engine.store.getRun(runId))!;
      expect(before.status).toBe("running");
      expect(before.leaseExpiresAt! - Date.now()).toBeGreaterThan(30_000);
      expect(engine.runState(before)).toBe("interrupted");
      const t0 = Date.now();
      if (how === "recover") expect(await engine.recoverOrphans()).toEqual([runId]);
      else if (how === "resume") await engine.resumeRun(runId);
      else {
        engine.followOrphans();
        await eventually(() => engine.isActive(runId), 10_000);
      }
      expect(Date.now() - t0).toBeLessThan(10_000);
      const run = await engine.waitForRun(runId);
      expect(run.status).toBe("succeeded");
      const successes = (await engine.store.readEvents(runId, 0, 1_000_000)).filter((e) => e.type === "task.succeeded");
      expect(successes).toHaveLength(1_000);
      expect(new Set(successes.map((e) => e.taskId)).size).toBe(1_000);
    },
    180_000,
  );

  it("a driver on another host keeps its run until its lease expires: reported silent, resume refused with the time left", async () => {
    const { db, engine } = await open();
    const { runId } = await engine.startRun({ source: inlineSource(["a", "b"]), options: { executor: "fn" } });
    await engine.waitForRun(runId);
    const elsewhere = formatOwner({ ...live.self!, host: `${hostname()}-other` }, "abcd1234");
    await db.sql.query(
      `UPDATE runs SET status = 'running', lease_owner = $2, lease_expires_at = now() + interval '40 seconds' WHERE id = $1`,
      [runId, elsewhere],
    );
    const run = (await engine.store.getRun(runId))!;
    expect(engine.runState(run)).toBe("running");
    expect(await engine.recoverOrphans()).toEqual([]);
    const silent = await engine.silentRuns();
    expect(silent.map((s) => s.runId)).toEqual([runId]);
    expect(silent[0]!.expiresInMs).toBeGreaterThan(30_000);
    expect(silent[0]!.expiresInMs).toBeLessThanOrEqual(40_000);
    const err = await engine.resumeRun(runId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as Error).message).toMatch(new RegExp(`${hostname()}-other pid \\d+.*lease expires in (3\\d|40) s`));
  }, 60_000);
});
