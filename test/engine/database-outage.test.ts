// Riding through a real PostgreSQL outage, on a cluster of this suite's own
// (test/support/private-postgres.ts): a restart and a 20 s stop in the middle
// of a run, which finishes by itself with every completion recorded once; an
// outage past the budget, which stops the run with a typed error naming the
// resume command, and the resume; a lease taken while the database was away,
// after which the old driver writes nothing; and the CLI's one line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreOutageError } from "../../src/core/errors.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { Engine } from "../../src/engine/engine.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { ProcLiveness } from "../../src/runtime/process-liveness.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { runConveyor } from "../support/conveyor-process.js";
import { eventually, sleep } from "../support/engine.js";
import { postgresBin, privatePostgres, type PrivatePostgres } from "../support/private-postgres.js";

const bin = postgresBin();

/** Tasks in chains of 10 (each waits for the one before it), so that dispatching goes on all run long. */
const chains = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `t${i}`, dependencies: i % 10 ? [`t${i - 1}`] : [] }));

describe.skipIf(!bin)("a PostgreSQL outage in the middle of a run", () => {
  let pg: PrivatePostgres;
  let db: Database;
  const engines: Engine[] = [];

  beforeAll(async () => {
    pg = await privatePostgres(bin!);
    db = await openDatabase({ url: pg.url });
  }, 120_000);

  afterAll(async () => {
    for (const e of engines) await e.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await pg?.dispose();
  }, 60_000);

  function engine(opts: { leaseMs: number; outageBudgetMs: number; taskMs: number; calls: string[] }) {
    const e = new Engine({
      store: new PrismaRunStore(db),
      bus: new MemoryBus(),
      executors: {
        fn: () =>
          new InProcessExecutor(async (req) => {
            opts.calls.push(req.taskId);
            await sleep(opts.taskMs);
            return "ok";
          }),
      },
      leaseMs: opts.leaseMs,
      outageBudgetMs: opts.outageBudgetMs,
      liveness: new ProcLiveness(),
    });
    engines.push(e);
    return e;
  }

  /** Success events and attempt rows per task, from the database. */
  async function recorded(runId: string) {
    const events = (await new PrismaRunStore(db).readEvents(runId, 0, 1_000_000)).filter((e) => e.type === "task.succeeded");
    const attempts = await db.sql.query<{ idx: number; n: number }>(
      `SELECT idx, count(*)::int AS n FROM attempts WHERE run_id = $1 GROUP BY idx`,
      [runId],
    );
    const successes = new Map<string, number>();
    for (const e of events) successes.set(e.taskId!, (successes.get(e.taskId!) ?? 0) + 1);
    return { successes, attempts };
  }

  it("rides through a restart and a 20 s stop: the run finishes by itself, no completion lost or recorded twice", async () => {
    const calls: string[] = [];
    // a lease shorter than the stop: it expires meanwhile, and with nobody taking it the run stays this process's
    const e = engine({ leaseMs: 3_000, outageBudgetMs: 60_000, taskMs: 40, calls });
    const n = 300;
    const { runId } = await e.startRun({ source: inlineSource(chains(n)), options: { executor: "fn", maxParallel: 4, force: true } });
    const succeeded = async () => (await e.store.getRun(runId))!.succeeded;
    await eventually(async () => (await succeeded()) >= 40, 60_000);

    // a restart, as in a minor version upgrade: 2.4 s without a server
    await pg.stop();
    await sleep(2_400);
    await pg.start();
    await eventually(async () => (await succeeded().catch(() => 0)) >= 100, 60_000);

    // a 20 s stop: dispatching holds, the tasks already running finish
    await pg.stop();
    await sleep(3_000);
    const heldAt = calls.length;
    await sleep(15_000);
    expect(calls.length).toBe(heldAt);
    expect(e.isActive(runId)).toBe(true);
    await sleep(2_000);
    await pg.start();

    const run = await e.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.succeeded).toBe(n);
    const { successes, attempts } = await recorded(runId);
    expect(successes.size).toBe(n);
    expect([...successes.values()].every((c) => c === 1)).toBe(true);
    expect(attempts.length).toBe(n);
    expect(attempts.every((a) => a.n === 1)).toBe(true);
    expect(calls.length).toBe(n);
    expect(new Set(calls).size).toBe(n);
  }, 240_000);

  it("past the budget the run stops with an error naming the resume command; the resume finishes it, each completion once", async () => {
    const calls: string[] = [];
    const e = engine({ leaseMs: 3_000, outageBudgetMs: 3_000, taskMs: 40, calls });
    const n = 200;
    const { runId } = await e.startRun({ source: inlineSource(chains(n)), options: { executor: "fn", maxParallel: 4, force: true } });
    await eventually(async () => (await e.store.getRun(runId))!.succeeded >= 30, 60_000);
    await pg.stop();
    const started = Date.now();
    const err = await e.waitForRun(runId).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(StoreOutageError);
    expect((err as Error).message).toContain(`conveyor resume ${runId}`);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(e.isActive(runId)).toBe(false);

    await pg.start();
    await e.resumeRun(runId);
    const run = await e.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    const { successes } = await recorded(runId);
    expect(successes.size).toBe(n);
    expect([...successes.values()].every((c) => c === 1)).toBe(true);
  }, 240_000);

  it("a run whose lease another process took while the database was away writes nothing more", async () => {
    const calls: string[] = [];
    const e = engine({ leaseMs: 1_000, outageBudgetMs: 60_000, taskMs: 40, calls });
    const { runId } = await e.startRun({ source: inlineSource(chains(200)), options: { executor: "fn", maxParallel: 4, force: true } });
    await eventually(async () => (await e.store.getRun(runId))!.succeeded >= 20, 60_000);
    await pg.stop();
    await sleep(2_000); // the lease expires
    await pg.start();
    // another process takes the expired lease as soon as the server is back
    const [taken] = await db.sql.query<{ last_seq: number }>(
      `UPDATE runs SET lease_owner = 'another-host:1:intruder', lease_expires_at = now() + interval '1 hour' WHERE id = $1 RETURNING last_seq`,
      [runId],
    );
    await Promise.race([e.waitForRun(runId).catch(() => undefined), sleep(20_000)]);
    expect(e.isActive(runId)).toBe(false);
    await sleep(500);
    const after = (await e.store.getRun(runId))!;
    expect(after.lastSeq).toBe(taken!.last_seq);
    expect(after.leaseOwner).toBe("another-host:1:intruder");
    const { successes } = await recorded(runId);
    expect([...successes.values()].every((c) => c === 1)).toBe(true);
  }, 120_000);

  it("the CLI past the budget: exit 1, one error line with the resume command, no stack trace", async () => {
    const p = runConveyor(
      ["run", "--inline", JSON.stringify(chains(200).map((t) => ({ ...t, command: "sleep 0.05" }))), "--parallel", "2", "--force"],
      { DATABASE_URL: pg.url, CONVEYOR_DB_OUTAGE_BUDGET: "2s", CONVEYOR_LOG_LEVEL: "silent" },
    );
    await eventually(() => /run \S+: 200 tasks/.test(p.stdoutSoFar()), 60_000);
    const runId = /run (\S+): 200 tasks/.exec(p.stdoutSoFar())![1]!;
    await sleep(1_000);
    await pg.stop();
    const done = await p;
    await pg.start();
    expect(done.code).toBe(1);
    const errors = done.stderr.split("\n").filter((l) => l.startsWith("error:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`conveyor resume ${runId}`);
    expect(done.stderr).not.toMatch(/unexpected error|\n\s+at /);
  }, 120_000);
});
