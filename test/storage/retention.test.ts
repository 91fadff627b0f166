// Deleting finished runs on both stores: a run not finished is refused, a dry run
// deletes nothing, a prune removes exactly the runs the policy chooses with every
// row that held them (counted per table, in batches smaller than a run) and keeps
// the memo cache; the chore lease lets one owner at a time prune.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { pruneRuns } from "../../src/engine/prune-runs.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { SqlRetentionStore } from "../../src/storage/sql-retention-store.js";
import { storeKinds } from "../support/databases.js";
import { eventually, openTestEngine, type TestEngine } from "../support/engine.js";

const kinds = await storeKinds();
const DAY = 86_400_000;
const TABLES = ["task_runs", "attempts", "run_event_pages", "checkpoints"] as const;

describe.each(kinds)("retention on %s", (kind) => {
  let t: TestEngine;
  let retention: SqlRetentionStore;
  /** Finished runs, by how many days ago they finished. */
  const finished = new Map<number, string>();
  let running: string;
  let pending: string;
  let release!: () => void;

  const rowsOf = async (runId: string) => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const [r] = await t.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE run_id = $1`, [runId]);
      counts[table] = r!.n;
    }
    return counts;
  };
  const count = async (sql: string) => (await t.db.sql.query<{ n: number }>(sql))[0]!.n;

  beforeAll(async () => {
    t = await openTestEngine(kind);
    retention = new SqlRetentionStore(t.db);
    let failedOnce = false;
    t.tasks.set("t2", () => {
      if (failedOnce) return "ok";
      failedOnce = true;
      throw new Error("first attempt fails");
    });
    for (const daysAgo of [40, 31, 20, 5]) {
      const { runId } = await t.engine.startRun({
        source: inlineSource([{ id: "t1" }, { id: "t2", dependencies: ["t1"] }, { id: "t3", dependencies: ["t2"] }]),
        options: { executor: "fn", force: true, checkpointInterval: 1, retry: { retryLimit: 1, baseDelayMs: 0 } },
      });
      await t.engine.waitForRun(runId);
      await t.db.sql.query(`UPDATE runs SET finished_at = now() - make_interval(days => $2) WHERE id = $1`, [runId, daysAgo]);
      finished.set(daysAgo, runId);
    }
    const gate = new Promise<void>((r) => (release = r));
    t.tasks.set("slow", () => gate);
    running = (await t.engine.startRun({ source: inlineSource(["slow"]), options: { executor: "fn", force: true } })).runId;
    await eventually(async () => (await t.engine.store.getRun(running))?.status === "running");
    // a run recorded but never started by its (other) process
    pending = "pending-run";
    await new PrismaRunStore(t.db).createRun(
      { id: pending, options: {} as never, source: { origin: "inline", format: "inline", warnings: [] }, units: [], createdAt: Date.now() },
      "another-process",
      60_000,
    );
  }, 60_000);

  afterAll(async () => {
    release?.();
    await t?.close();
  });

  it("refuses runs that are not finished, and says which is missing or busy", async () => {
    expect(await retention.deleteRun(running, "me")).toEqual({ kind: "unfinished", status: "running" });
    expect(await retention.deleteRun(pending, "me")).toEqual({ kind: "unfinished", status: "pending" });
    expect(await retention.deleteRun("no-such-run", "me")).toEqual({ kind: "missing" });
    // another process holds a finished run's lease (resuming it): not now
    const busy = finished.get(5)!;
    await t.db.sql.query(`UPDATE runs SET lease_owner = 'resumer', lease_expires_at = now() + interval '1 minute' WHERE id = $1`, [busy]);
    expect(await retention.deleteRun(busy, "me")).toEqual({ kind: "busy" });
    await t.db.sql.query(`UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`, [busy]);
    expect(await t.engine.store.getRun(running)).not.toBeNull();
    expect((await rowsOf(running)).task_runs).toBe(1);
  });

  it("a dry run lists the policy's runs, oldest first, and deletes nothing", async () => {
    const before = await count("SELECT count(*)::int AS n FROM runs");
    const report = await pruneRuns(retention, { policy: { maxAgeMs: 25 * DAY }, now: Date.now(), dryRun: true, owner: "me" });
    expect(report.chosen.map((r) => r.id)).toEqual([finished.get(40), finished.get(31)]);
    expect(report.deleted).toEqual([]);
    expect(await count("SELECT count(*)::int AS n FROM runs")).toBe(before);
  });

  it("a prune removes exactly the policy's runs and all their rows, in batches, and keeps the memo cache", async () => {
    const gone = [finished.get(40)!, finished.get(31)!];
    const kept = [finished.get(20)!, finished.get(5)!, running, pending];
    const beforeGone = await Promise.all(gone.map(rowsOf));
    const beforeKept = await Promise.all(kept.map(rowsOf));
    // each run has rows in every table, more attempts and events than one batch
    for (const rows of beforeGone) for (const table of TABLES) expect(rows[table]).toBeGreaterThan(0);
    expect(beforeGone[0]!.attempts).toBe(4);
    const memo = await count("SELECT count(*)::int AS n FROM memo_cache");
    expect(memo).toBeGreaterThan(0);

    const report = await pruneRuns(retention, { policy: { keepRuns: 3, maxAgeMs: 25 * DAY }, now: Date.now(), owner: "me", batch: 2 });
    expect(report.deleted).toEqual(gone);
    const total = (table: string) => beforeGone.reduce((sum, r) => sum + r[table]!, 0);
    expect(report.rows).toEqual({
      runs: 2,
      taskRuns: total("task_runs"),
      attempts: total("attempts"),
      eventPages: total("run_event_pages"),
      checkpoints: total("checkpoints"),
    });
    for (const id of gone) {
      expect(await t.engine.store.getRun(id)).toBeNull();
      expect(Object.values(await rowsOf(id))).toEqual([0, 0, 0, 0]);
    }
    expect(await Promise.all(kept.map(rowsOf))).toEqual(beforeKept);
    expect(await count("SELECT count(*)::int AS n FROM memo_cache")).toBe(memo);
    // nothing left for the same policy
    expect((await pruneRuns(retention, { policy: { keepRuns: 3, maxAgeMs: 25 * DAY }, now: Date.now(), owner: "me" })).chosen).toEqual([]);
  });

  it("a run's own retention applies under the standing policy only", async () => {
    const id = finished.get(20)!;
    await t.db.sql.query(`UPDATE runs SET options = options || '{"retention": "1d"}'::jsonb WHERE id = $1`, [id]);
    const standing = await pruneRuns(retention, {
      policy: { maxAgeMs: 365 * DAY },
      now: Date.now(),
      owner: "me",
      dryRun: true,
      honourRunRetention: true,
    });
    expect(standing.chosen.map((r) => r.id)).toEqual([id]);
    const explicit = await pruneRuns(retention, { policy: { maxAgeMs: 365 * DAY }, now: Date.now(), owner: "me", dryRun: true });
    expect(explicit.chosen).toEqual([]);
  });

  it("the chore lease: one owner at a time, renewable, free once expired or released", async () => {
    expect(await retention.takeChoreLease("test-chore", "a", 60_000)).toBe(true);
    expect(await retention.takeChoreLease("test-chore", "b", 60_000)).toBe(false);
    expect(await retention.takeChoreLease("test-chore", "a", 60_000)).toBe(true);
    await retention.releaseChoreLease("test-chore", "b"); // not b's to release
    expect(await retention.takeChoreLease("test-chore", "b", 60_000)).toBe(false);
    await retention.releaseChoreLease("test-chore", "a");
    expect(await retention.takeChoreLease("test-chore", "b", 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(await retention.takeChoreLease("test-chore", "a", 60_000)).toBe(true);
  });
});
