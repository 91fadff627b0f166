// The runs aggregate: creation and reads. (Leases: leases.ts.)
import type { RunStatus } from "../core/status.js";
import type { RunOptions } from "../core/run-options.js";
import type { NewRun, RunFilter, RunRecord, RunSourceInfo } from "../engine/store.js";
import { ms, type Db } from "./db.js";
import type { Run } from "./generated/client.js";
import type { SqlRunner } from "./migrations.js";
import { INSERT_UNITS, insertUnits, unitColumns, UNITS_PER_STATEMENT } from "./task-runs.js";

/** The run's insert, its columns from parameter $at on (runColumns' order); $1 is the run's id. */
function insertRun(at: number): string {
  const p = (k: number) => `$${at + k}`;
  return `INSERT INTO runs (id, status, options, source, total, pending, skipped, created_at, lease_owner, lease_expires_at)
    VALUES ($1, 'pending', ${p(0)}::jsonb, ${p(1)}::jsonb, ${p(2)}, ${p(3)}, ${p(4)}, to_timestamp(${p(5)}::float8 / 1000), ${p(6)},
            now() + make_interval(secs => ${p(7)}::float8 / 1000))
    RETURNING ${RUN_AS_MODEL}`;
}

/**
 * Inserts the run, leased to `owner`, and its units; returns the run's row. A run
 * whose units fit one statement is written by one statement (the run's insert and
 * its units' as parts of it, atomic as any statement): a small run's start is one
 * round trip instead of four, which is most of its fixed cost when many start at
 * once. A larger run's units go in chunks inside one transaction.
 */
export async function createRun(sql: SqlRunner, run: NewRun, owner: string, leaseMs: number): Promise<RunRecord> {
  const skipped = run.units.filter((u) => u.initial?.status === "skipped").length;
  const runColumns = [JSON.stringify(run.options), JSON.stringify(run.source), run.units.length, run.units.length - skipped, skipped, run.createdAt, owner, leaseMs];
  if (run.units.length <= UNITS_PER_STATEMENT) {
    // the units' columns are $2…$14 (unitColumns), the run's follow
    const [row] = await sql.query<Run>(`WITH run AS (${insertRun(15)}), units AS (${INSERT_UNITS}) SELECT * FROM run`, [
      run.id,
      ...unitColumns(run.units),
      ...runColumns,
    ]);
    return toRunRecord(row!);
  }
  let row: Run | undefined;
  await sql.transaction(async (tx) => {
    [row] = await tx.query<Run>(insertRun(2), [run.id, ...runColumns]);
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
const RUN_AS_MODEL = `id, status, options, source, total, pending, running, succeeded, failed, skipped, cancelled,
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
