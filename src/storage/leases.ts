// The lease that lets one process at a time drive a run: taken when free or
// expired, renewed while driving, released on stop; every commit is fenced by it.
// Through the driver, like everything on the path from a crash to the first dispatch.
import type { LeasedRun } from "../engine/store.js";
import type { SqlRunner } from "./migrations.js";

/** `from`: an owner proved gone, whose lease is taken before it expires. An archived run is never driven again: its rows are gone. */
export async function acquireLease(sql: SqlRunner, runId: string, owner: string, leaseMs: number, from?: string): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE runs SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
     WHERE id = $1 AND archived_at IS NULL AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now() OR lease_owner = $4) RETURNING id`,
    [runId, owner, leaseMs, from ?? null],
  );
  return rows.length === 1;
}

/** Renews what `owner` still holds; returns the runs it no longer holds. */
export async function renewLeases(sql: SqlRunner, runIds: string[], owner: string, leaseMs: number): Promise<string[]> {
  if (runIds.length === 0) return [];
  // locked in id order first, as a takeover's gathered commit locks them (sql/commit-many.ts):
  // both lock many runs, and in any other order they could deadlock
  const kept = await sql.query<{ id: string }>(
    `UPDATE runs SET lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
     WHERE id IN (SELECT id FROM runs WHERE id = ANY($1::text[]) AND lease_owner = $2 ORDER BY id FOR UPDATE)
     RETURNING id`,
    [runIds, owner, leaseMs],
  );
  const held = new Set(kept.map((r) => r.id));
  return runIds.filter((id) => !held.has(id));
}

/** Each run's lease given up, where its owner still holds it; one statement for them all. */
export async function releaseLeases(sql: SqlRunner, leases: readonly { runId: string; owner: string }[]): Promise<void[]> {
  await sql.query(
    `UPDATE runs r SET lease_owner = NULL, lease_expires_at = NULL
     FROM unnest($1::text[], $2::text[]) AS x(id, owner) WHERE r.id = x.id AND r.lease_owner = x.owner`,
    [leases.map((l) => l.runId), leases.map((l) => l.owner)],
  );
  return leases.map(() => undefined);
}

/** Runs left running, pending or cancelling whose driver is gone (no lease, or an expired one). */
export async function findOrphans(sql: SqlRunner): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT id FROM runs WHERE status IN ('running', 'pending', 'cancelling')
       AND (lease_owner IS NULL OR lease_expires_at < now()) ORDER BY created_at`,
  );
  return rows.map((r) => r.id);
}

/** Runs left running or pending whose lease has not expired yet, by the database's clock. */
export async function leasedRuns(sql: SqlRunner): Promise<LeasedRun[]> {
  const rows = await sql.query<{ id: string; owner: string; left: number }>(
    `SELECT id, lease_owner AS owner, (extract(epoch FROM lease_expires_at - now()) * 1000)::float8 AS left
       FROM runs WHERE status IN ('running', 'pending', 'cancelling') AND lease_owner IS NOT NULL AND lease_expires_at >= now()
       ORDER BY created_at`,
  );
  return rows.map((r) => ({ id: r.id, owner: r.owner, expiresInMs: Math.max(0, Math.round(Number(r.left))) }));
}
