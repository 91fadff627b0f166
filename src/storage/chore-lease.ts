// A lease on a chore every replica could do (pruning), so that one does it at a time:
// taken when free, expired or already ours, in one statement on PostgreSQL and PGlite.
import type { SqlRunner } from "./migrations.js";

export async function takeChoreLease(sql: SqlRunner, name: string, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO maintenance_leases (name, owner, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3::float8 / 1000))
     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE maintenance_leases.owner = excluded.owner OR maintenance_leases.expires_at < now()
     RETURNING 1`,
    [name, owner, leaseMs],
  );
  return rows.length === 1;
}

export async function releaseChoreLease(sql: SqlRunner, name: string, owner: string): Promise<void> {
  await sql.query(`DELETE FROM maintenance_leases WHERE name = $1 AND owner = $2`, [name, owner]);
}
