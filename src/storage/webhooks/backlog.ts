import type { Backlog } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";

/** How many deliveries are pending and how old the oldest is, by the database's clock. */
export async function backlog(sql: SqlRunner): Promise<Backlog> {
  const rows = await sql.query<{ pending: number; oldest_ms: number | null }>(
    `SELECT count(*)::int AS pending, (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS oldest_ms
     FROM webhook_deliveries WHERE state = 'pending'`,
  );
  const r = rows[0];
  return { pending: r?.pending ?? 0, oldestPendingMs: r?.oldest_ms ?? null };
}
