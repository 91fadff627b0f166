import type { SqlRunner } from "../migrations.js";

/** The event types at least one endpoint wants. */
export async function wantedEventTypes(sql: SqlRunner): Promise<string[]> {
  const rows = await sql.query<{ type: string }>(`SELECT DISTINCT unnest(events) AS type FROM webhook_endpoints`);
  return rows.map((r) => r.type);
}
