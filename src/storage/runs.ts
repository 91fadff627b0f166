// The runs aggregate: creation and reads. (Leases: leases.ts.)
import type { RunStatus } from "../core/status.js";
import type { RunOptions } from "../core/run-options.js";
import type { NewRun, RunFilter, RunRecord, RunSourceInfo } from "../engine/store.js";
import { ms, type Db } from "./db.js";
import type { Run } from "./generated/client.js";
import type { SqlRunner } from "./migrations.js";
import { INSERT_UNITS, insertUnits, unitColumns, UNITS_PER_STATEMENT } from "./task-runs.js";

/** A run to create, leased to `owner`. */
export interface RunToCreate {
  run: NewRun;
  owner: string;
  leaseMs: number;
}

/** The runs' insert, its columns from parameter $at on (runColumns' order). */
function insertRuns(at: number): string {
  const p = (k: number) => `$${at + k}`;
  return `INSERT INTO runs (id, status, options, source, total, pending, skipped, created_at, lease_owner, lease_expires_at)
    SELECT r.id, 'pending', r.options::jsonb, r.source::jsonb, r.total, r.pending, r.skipped, to_timestamp(r.created_at / 1000),
           r.owner, now() + make_interval(secs => r.lease_ms / 1000)
    FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::int[], ${p(4)}::int[], ${p(5)}::int[],
                ${p(6)}::float8[], ${p(7)}::text[], ${p(8)}::float8[])
         AS r(id, options, source, total, pending, skipped, created_at, owner, lease_ms)
    RETURNING ${RUN_AS_MODEL}`;
}

function runColumns(list: readonly RunToCreate[]): unknown[] {
  const skipped = list.map(({ run }) => run.units.filter((u) => u.initial?.status === "skipped").length);
  return [
    list.map(({ run }) => run.id),
    list.map(({ run }) => JSON.stringify(run.options)),
    list.map(({ run }) => JSON.stringify(run.source)),
    list.map(({ run }) => run.units.length),
    list.map(({ run }, i) => run.units.length - skipped[i]!),
    skipped,
    list.map(({ run }) => run.createdAt),
    list.map((c) => c.owner),
    list.map((c) => c.leaseMs),
  ];
}

/**
 * Inserts runs, each leased to its owner, with their units; returns their rows in
 * order. Runs whose units fit one statement together are written by one statement
 * (the runs' insert and their units' as parts of it, atomic as any statement): a
 * small run's start costs a share of one round trip instead of four (BEGIN, two
 * inserts, COMMIT), which was most of its fixed cost when many start at once. A
 * larger run's units go in chunks inside one transaction.
 */
export async function createRuns(sql: SqlRunner, list: readonly RunToCreate[]): Promise<RunRecord[]> {
  const unitRunIds = list.flatMap(({ run }) => run.units.map(() => run.id));
  let rows: Run[] = [];
  if (unitRunIds.length <= UNITS_PER_STATEMENT) {
    // the units' columns are $1…$14 (their run ids, then unitColumns), the runs' follow
    rows = await sql.query<Run>(`WITH runs AS (${insertRuns(15)}), units AS (${INSERT_UNITS}) SELECT * FROM runs`, [
      unitRunIds,
      ...unitColumns(list.flatMap(({ run }) => run.units)),
      ...runColumns(list),
    ]);
  } else {
    await sql.transaction(async (tx) => {
      rows = await tx.query<Run>(insertRuns(1), runColumns(list));
      for (const { run } of list) await insertUnits(tx, run.id, run.units);
    });
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  return list.map(({ run }) => toRunRecord(byId.get(run.id)!));
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
    archivedAt: ms(r.archivedAt),
  };
}

// The columns under the model's field names, so one mapper serves raw and Prisma reads
export const RUN_AS_MODEL = `id, status, options, source, total, pending, running, succeeded, failed, skipped, cancelled,
  memoized, last_seq AS "lastSeq", finished_since_checkpoint AS "finishedSinceCheckpoint", reason,
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt", updated_at AS "updatedAt",
  lease_owner AS "leaseOwner", lease_expires_at AS "leaseExpiresAt", archived_at AS "archivedAt"`;

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

/** How many runs have one of `statuses` (all runs without it); archived or not when `archived` says. */
export async function countRuns(db: Db, statuses?: RunStatus[], archived?: boolean): Promise<number> {
  return db.run.count({
    where: {
      ...(statuses ? { status: { in: statuses } } : {}),
      ...(archived !== undefined ? { archivedAt: archived ? { not: null } : null } : {}),
    },
  });
}

export async function listRuns(db: Db, filter: RunFilter = {}): Promise<RunRecord[]> {
  const rows = await db.run.findMany({
    where: {
      ...(filter.statuses ? { status: { in: filter.statuses } } : {}),
      ...(filter.before !== undefined ? { createdAt: { lt: new Date(filter.before) } } : {}),
      ...(filter.archived !== undefined ? { archivedAt: filter.archived ? { not: null } : null } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.limit ?? 50,
  });
  return rows.map(toRunRecord);
}
