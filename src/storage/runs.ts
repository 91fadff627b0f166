// The runs aggregate: creation and reads. (Leases: leases.ts.)
import type { RunStatus } from "../core/status.js";
import type { RunOptions } from "../core/run-options.js";
import type { NewRun, RunFilter, RunRecord, RunSourceInfo } from "../engine/store.js";
import { ms, type Db } from "./db.js";
import type { Run } from "./generated/client.js";
import type { SqlRunner } from "./migrations.js";
import { insertUnits } from "./task-runs.js";

/** Inserts the run, leased to `owner`, and its units in one transaction; returns the run's row. */
export async function createRun(sql: SqlRunner, run: NewRun, owner: string, leaseMs: number): Promise<RunRecord> {
  const skipped = run.units.filter((u) => u.initial?.status === "skipped").length;
  let row: Run | undefined;
  await sql.transaction(async (tx) => {
    [row] = await tx.query<Run>(
      `INSERT INTO runs (id, status, options, source, total, pending, skipped, created_at, lease_owner, lease_expires_at)
       VALUES ($1, 'pending', $2::jsonb, $3::jsonb, $4, $5, $6, to_timestamp($7::float8 / 1000), $8,
               now() + make_interval(secs => $9::float8 / 1000))
       RETURNING ${RUN_AS_MODEL}`,
      [run.id, JSON.stringify(run.options), JSON.stringify(run.source), run.units.length, run.units.length - skipped, skipped, run.createdAt, owner, leaseMs],
    );
    await insertUnits(tx, run.id, run.units);
  });
  return toRunRecord(row!);
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

// The columns under the model's field names, so one mapper serves raw and Prisma reads
export const RUN_AS_MODEL = `id, status, options, source, total, pending, running, succeeded, failed, skipped, cancelled,
  memoized, last_seq AS "lastSeq", finished_since_checkpoint AS "finishedSinceCheckpoint", reason,
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt", updated_at AS "updatedAt",
  lease_owner AS "leaseOwner", lease_expires_at AS "leaseExpiresAt"`;

/**
 * Through the driver: reading a run is on the path from a crash to the first
 * dispatch, and a process's first Prisma query starts Prisma's query compiler (~0.2 s).
 */
export async function getRun(sql: SqlRunner, id: string): Promise<RunRecord | null> {
  const [r] = await sql.query<Run>(`SELECT ${RUN_AS_MODEL} FROM runs WHERE id = $1`, [id]);
  return r ? toRunRecord(r) : null;
}

/**
 * Ids of runs starting with `prefix` (LIKE's wildcards in it taken literally), at
 * most `limit`, in id order: what a shortened id on the command line may mean.
 */
export async function runIdsStartingWith(sql: SqlRunner, prefix: string, limit: number): Promise<string[]> {
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await sql.query<{ id: string }>(`SELECT id FROM runs WHERE id LIKE $1 ORDER BY id LIMIT $2`, [pattern, limit]);
  return rows.map((r) => r.id);
}

/** How many runs have one of `statuses` (all runs without it). */
export async function countRuns(db: Db, statuses?: RunStatus[]): Promise<number> {
  return db.run.count({ where: statuses ? { status: { in: statuses } } : {} });
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
