// The runs aggregate: creation, reads, and the lease that lets one process at a
// time drive a run.
import type { RunStatus } from "../core/status.js";
import type { RunOptions } from "../core/run-options.js";
import type { NewRun, RunFilter, RunRecord, RunSourceInfo } from "../engine/store.js";
import { ms, type Db } from "./db.js";
import type { Run } from "./generated/client.js";
import type { SqlRunner } from "./migrations.js";
import { insertUnits } from "./task-runs.js";

/** Inserts the run, leased to `owner`, and its units in one transaction. */
export async function createRun(sql: SqlRunner, run: NewRun, owner: string, leaseMs: number): Promise<void> {
  const skipped = run.units.filter((u) => u.initial?.status === "skipped").length;
  await sql.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO runs (id, status, options, source, total, pending, skipped, created_at, lease_owner, lease_expires_at)
       VALUES ($1, 'pending', $2::jsonb, $3::jsonb, $4, $5, $6, to_timestamp($7::float8 / 1000), $8,
               now() + make_interval(secs => $9::float8 / 1000))`,
      [run.id, JSON.stringify(run.options), JSON.stringify(run.source), run.units.length, run.units.length - skipped, skipped, run.createdAt, owner, leaseMs],
    );
    await insertUnits(tx, run.id, run.units);
  });
}

export function toRunRecord(r: Run): RunRecord {
  return {
    id: r.id,
    status: r.status as RunStatus,
    options: r.options as unknown as RunOptions,
    source: r.source as unknown as RunSourceInfo,
    total: r.total,
    pending: r.pending,
    running: r.running,
    succeeded: r.succeeded,
    failed: r.failed,
    skipped: r.skipped,
    cancelled: r.cancelled,
    memoized: r.memoized,
    lastSeq: r.lastSeq,
    finishedSinceCheckpoint: r.finishedSinceCheckpoint,
    reason: r.reason,
    createdAt: r.createdAt.getTime(),
    startedAt: ms(r.startedAt),
    finishedAt: ms(r.finishedAt),
    updatedAt: r.updatedAt.getTime(),
    leaseOwner: r.leaseOwner,
    leaseExpiresAt: ms(r.leaseExpiresAt),
  };
}

export async function getRun(db: Db, id: string): Promise<RunRecord | null> {
  const r = await db.run.findUnique({ where: { id } });
  return r ? toRunRecord(r) : null;
}

export async function listRuns(db: Db, filter: RunFilter = {}): Promise<RunRecord[]> {
  const rows = await db.run.findMany({
    where: {
      ...(filter.statuses ? { status: { in: filter.statuses } } : {}),
      ...(filter.before !== undefined ? { createdAt: { lt: new Date(filter.before) } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.limit ?? 50,
  });
  return rows.map(toRunRecord);
}

export async function acquireLease(db: Db, runId: string, owner: string, leaseMs: number): Promise<boolean> {
  const n = await db.$executeRawUnsafe(
    `UPDATE runs SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
     WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now())`,
    runId,
    owner,
    leaseMs,
  );
  return n === 1;
}

export async function renewLeases(db: Db, runIds: string[], owner: string, leaseMs: number): Promise<string[]> {
  if (runIds.length === 0) return [];
  const kept = await db.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE runs SET lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
     WHERE id = ANY($1::text[]) AND lease_owner = $2 RETURNING id`,
    runIds,
    owner,
    leaseMs,
  );
  const held = new Set(kept.map((r) => r.id));
  return runIds.filter((id) => !held.has(id));
}

export async function releaseLease(db: Db, runId: string, owner: string): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2`,
    runId,
    owner,
  );
}

export async function findOrphans(db: Db): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM runs WHERE status IN ('running', 'pending')
       AND (lease_owner IS NULL OR lease_expires_at < now()) ORDER BY created_at`,
  );
  return rows.map((r) => r.id);
}
