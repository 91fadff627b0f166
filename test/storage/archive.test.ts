// Archiving finished runs on both stores: a run archived reads back as it was (the run, its
// tasks' final states, its attempts with their output tails, its events replayed in order and
// by pages) while its hot rows are gone; a run not finished, already archived or leased is
// refused, and an archived run is never driven again; an archive cut short before its commit
// leaves the hot run whole and no archive; a prune's dry run lists what it would archive.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidTransitionError } from "../../src/core/errors.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { pruneRuns } from "../../src/engine/prune-runs.js";
import type { RunRecord } from "../../src/engine/store.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { SqlRetentionStore } from "../../src/storage/sql-retention-store.js";
import { storeKinds } from "../support/databases.js";
import { eventually, openTestEngine, type TestEngine } from "../support/engine.js";

const kinds = await storeKinds();
const DAY = 86_400_000;
const HOT = ["task_runs", "attempts", "run_event_pages", "checkpoints"] as const;

describe.each(kinds)("archiving runs on %s", (kind) => {
  let t: TestEngine;
  let retention: SqlRetentionStore;
  let release!: () => void;

  const hotRows = async (runId: string) => {
    const counts: Record<string, number> = {};
    for (const table of HOT)
      counts[table] = (await t.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE run_id = $1`, [runId]))[0]!.n;
    return counts;
  };
  const archives = async (runId: string) =>
    (await t.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM archived_runs WHERE run_id = $1`, [runId]))[0]!.n;
  /** Everything a reader sees of a run, through the store's port. */
  const readBack = async (runId: string) => {
    const store = t.engine.store;
    const units = await store.loadUnits(runId);
    return {
      units,
      attempts: await store.listAttempts(runId),
      perTask: await Promise.all(units.map((u) => store.listAttempts(runId, u.index))),
      events: await store.readEvents(runId, 0, 1_000_000),
      pages: [await store.readEvents(runId, 3, 4), await store.readEvents(runId, 10, 1_000), await store.readEvents(runId, 1_000_000, 10)],
    };
  };
  const withoutArchive = ({ archivedAt: _a, leaseOwner: _o, leaseExpiresAt: _e, updatedAt: _u, ...rest }: RunRecord) => rest;

  /** A finished run with a retry, checkpoints, output tails on both streams and a failure. */
  const finishedRun = async () => {
    let failedOnce = false;
    const tag = Math.random().toString(36).slice(2, 7);
    t.tasks.set(`b-${tag}`, () => {
      if (failedOnce) return { done: true };
      failedOnce = true;
      throw new Error("first attempt fails");
    });
    const { runId } = await t.engine.startRun({
      source: inlineSource([
        { id: `a-${tag}` },
        { id: `b-${tag}`, dependencies: [`a-${tag}`] },
        { id: `c-${tag}`, dependencies: [`b-${tag}`] },
      ]),
      options: { executor: "fn", force: true, checkpointInterval: 1, retry: { retryLimit: 1, baseDelayMs: 0 } },
    });
    await t.engine.waitForRun(runId);
    return runId;
  };

  beforeAll(async () => {
    t = await openTestEngine(kind);
    retention = new SqlRetentionStore(t.db);
  }, 60_000);

  afterAll(async () => {
    release?.();
    await t?.close();
  });

  it("an archived run reads back as it was, from one row, and its hot rows are gone", async () => {
    const runId = await finishedRun();
    const shell = (
      await t.engine.startRun({
        source: inlineSource(["x", "y"]),
        options: { executor: "local", command: `echo out {id}; echo err {id} >&2; test {id} = x`, retry: { retryLimit: 0 } },
      })
    ).runId;
    await t.engine.waitForRun(shell);
    for (const id of [runId, shell]) {
      const before = await readBack(id);
      const hot = await hotRows(id);
      for (const table of HOT) expect(hot[table]).toBeGreaterThan(0);
      const run = (await t.engine.store.getRun(id))!;
      expect(run.archivedAt).toBeNull();

      const outcome = await retention.archiveRun(id, "me");
      expect(outcome).toMatchObject({
        kind: "archived",
        rows: { taskRuns: hot.task_runs, attempts: hot.attempts, eventPages: hot.run_event_pages, checkpoints: hot.checkpoints },
      });
      expect(Object.values(await hotRows(id))).toEqual([0, 0, 0, 0]);
      expect(await archives(id)).toBe(1);

      const archived = (await t.engine.store.getRun(id))!;
      expect(archived.archivedAt).toBeGreaterThan(0);
      expect([archived.leaseOwner, archived.leaseExpiresAt]).toEqual([null, null]);
      expect(withoutArchive(archived)).toEqual(withoutArchive(run));
      const after = await readBack(id);
      expect(after).toEqual(before);
      expect(after.events.map((e) => e.seq)).toEqual(Array.from({ length: run.lastSeq }, (_, i) => i + 1));
      expect(after.pages[0]!.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    }
    // the attempts kept their output tails and the retry
    const attempts = await t.engine.store.listAttempts(shell);
    expect(attempts.map((a) => [a.status, a.stdoutTail, a.stderrTail])).toEqual([
      ["succeeded", "out x\n", "err x\n"],
      ["failed", "out y\n", "err y\n"],
    ]);
    expect((await t.engine.store.listAttempts(shell, 1)).map((a) => a.stdoutTail)).toEqual(["out y\n"]);
    expect((await t.engine.store.listAttempts(runId)).map((a) => [a.index, a.number, a.status])).toEqual([
      [0, 1, "succeeded"],
      [1, 1, "failed"],
      [1, 2, "succeeded"],
      [2, 1, "succeeded"],
    ]);
    // listed, and by the archived filter
    const listed = async (archived?: boolean) =>
      (await t.engine.store.listRuns(archived === undefined ? {} : { archived })).map((r) => r.id);
    expect(await listed()).toEqual(expect.arrayContaining([runId, shell]));
    expect(await listed(true)).toEqual(expect.arrayContaining([runId, shell]));
    expect(await listed(false)).not.toContain(runId);
  });

  it("refuses runs not finished, already archived, missing or leased; an archived run is never driven again", async () => {
    const gate = new Promise<void>((r) => (release = r));
    t.tasks.set("slow", () => gate);
    const running = (await t.engine.startRun({ source: inlineSource(["slow"]), options: { executor: "fn", force: true } })).runId;
    await eventually(async () => (await t.engine.store.getRun(running))?.status === "running");
    expect(await retention.archiveRun(running, "me")).toEqual({ kind: "unfinished", status: "running" });
    expect((await hotRows(running)).task_runs).toBe(1);
    expect(await archives(running)).toBe(0);
    await new PrismaRunStore(t.db).createRun(
      {
        id: `pending-${kind}`,
        options: {} as never,
        source: { origin: "inline", format: "inline", warnings: [] },
        units: [],
        createdAt: Date.now(),
      },
      "another-process",
      60_000,
    );
    expect(await retention.archiveRun(`pending-${kind}`, "me")).toEqual({ kind: "unfinished", status: "pending" });
    expect(await retention.archiveRun("no-such-run", "me")).toEqual({ kind: "missing" });

    const leased = await finishedRun();
    await t.db.sql.query(`UPDATE runs SET lease_owner = 'resumer', lease_expires_at = now() + interval '1 minute' WHERE id = $1`, [leased]);
    expect(await retention.archiveRun(leased, "me")).toEqual({ kind: "busy" });
    expect(await archives(leased)).toBe(0);
    await t.db.sql.query(`UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`, [leased]);

    expect((await retention.archiveRun(leased, "me")).kind).toBe("archived");
    expect(await retention.archiveRun(leased, "me")).toEqual({ kind: "archived-already" });
    // resumed or retried, it would run from rows that are gone: refused, by the engine and by the lease itself
    const resumed = await t.engine.resumeRun(leased).catch((e: unknown) => e);
    expect(resumed).toBeInstanceOf(InvalidTransitionError);
    expect((resumed as Error).message).toBe(`cannot resume run ${leased}: it is archived`);
    expect(await t.engine.store.acquireLease(leased, "someone", 60_000)).toBe(false);
    // deleting an archived run removes its archive with it
    expect(await retention.deleteRun(leased, "me")).toMatchObject({ kind: "deleted", rows: { runs: 1, taskRuns: 0 } });
    expect(await archives(leased)).toBe(0);
  });

  it("an archive cut short before its commit leaves the hot run whole and no archive", async () => {
    const runId = await finishedRun();
    const before = await readBack(runId);
    const hot = await hotRows(runId);
    // the last statement of the archive's transaction fails, after the archive row is written and the hot rows deleted
    await t.db.sql.exec(`
      CREATE FUNCTION refuse_archive() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'cut short'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER refuse_archive BEFORE UPDATE OF archived_at ON runs FOR EACH ROW WHEN (NEW.archived_at IS NOT NULL) EXECUTE FUNCTION refuse_archive();`);
    try {
      await expect(retention.archiveRun(runId, "me")).rejects.toThrow(/cut short/);
    } finally {
      await t.db.sql.exec(`DROP TRIGGER refuse_archive ON runs; DROP FUNCTION refuse_archive();`);
    }
    expect(await hotRows(runId)).toEqual(hot);
    expect(await archives(runId)).toBe(0);
    const run = (await t.engine.store.getRun(runId))!;
    expect([run.archivedAt, run.leaseOwner]).toEqual([null, null]);
    expect(await readBack(runId)).toEqual(before);
    // and the next archive does it whole
    expect((await retention.archiveRun(runId, "me")).kind).toBe("archived");
    expect(await readBack(runId)).toEqual(before);
  });

  it.runIf(kind === "postgres")("an archive whose connection dies mid-transaction leaves the hot run whole and no archive", async () => {
    const runId = await finishedRun();
    const before = await readBack(runId);
    const hot = await hotRows(runId);
    const other = new pg.Client({ connectionString: t.store.config.databaseUrl });
    await other.connect();
    try {
      // the archive's insert waits on this lock (the first statement to touch the table), its run already
      // leased and read; its session is then killed, as a crash of the process or the server would
      await other.query("BEGIN; LOCK TABLE archived_runs IN ACCESS EXCLUSIVE MODE");
      const archiving = retention.archiveRun(runId, "me").then(
        () => "committed",
        (err: unknown) => String(err),
      );
      let pid: number | undefined;
      // the one session of this database waiting on a lock (its reported text may still be the statement before)
      await eventually(async () => {
        const { rows } = await other.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()`,
        );
        pid = rows[0]?.pid;
        return pid !== undefined;
      });
      await other.query("SELECT pg_terminate_backend($1)", [pid]);
      await other.query("ROLLBACK");
      expect(await archiving).not.toBe("committed");
    } finally {
      await other.end();
    }
    expect(await hotRows(runId)).toEqual(hot);
    expect(await archives(runId)).toBe(0);
    expect((await t.engine.store.getRun(runId))!.archivedAt).toBeNull();
    expect(await readBack(runId)).toEqual(before);
    // its lease went with the transaction: the next archive does it whole
    expect((await retention.archiveRun(runId, "me")).kind).toBe("archived");
    expect(await readBack(runId)).toEqual(before);
  });

  it("a prune's dry run lists the runs it would archive, passing over those archived; the prune archives them", async () => {
    const old = [await finishedRun(), await finishedRun()];
    const recent = await finishedRun();
    await t.db.sql.query(`UPDATE runs SET finished_at = now() - interval '40 days' WHERE id = ANY($1::text[]) OR archived_at IS NOT NULL`, [
      old,
    ]);
    const dry = await pruneRuns(retention, {
      policy: { maxAgeMs: 30 * DAY },
      action: "archive",
      now: Date.now(),
      dryRun: true,
      owner: "me",
    });
    expect(dry.chosen.map((r) => r.id).sort()).toEqual([...old].sort());
    expect(dry.archived).toEqual([]);
    for (const id of old) expect(await archives(id)).toBe(0);
    // deleting would take the archived runs too
    const deleting = await pruneRuns(retention, { policy: { maxAgeMs: 30 * DAY }, now: Date.now(), dryRun: true, owner: "me" });
    expect(deleting.chosen.length).toBeGreaterThan(old.length);

    const report = await pruneRuns(retention, { policy: { maxAgeMs: 30 * DAY }, action: "archive", now: Date.now(), owner: "me" });
    expect(report.archived.sort()).toEqual([...old].sort());
    expect(report.deleted).toEqual([]);
    expect(report.archivedRows.bytes).toBeGreaterThan(0);
    for (const id of old) expect([await archives(id), (await hotRows(id)).task_runs]).toEqual([1, 0]);
    expect((await hotRows(recent)).task_runs).toBe(3);
    expect(
      (await pruneRuns(retention, { policy: { maxAgeMs: 30 * DAY }, action: "archive", now: Date.now(), owner: "me", dryRun: true }))
        .chosen,
    ).toEqual([]);
  });
});
