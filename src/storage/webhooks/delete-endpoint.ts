import type { SqlRunner } from "../migrations.js";

/** Deletes an API-managed endpoint and, through the foreign key, its deliveries and their attempts. */
export async function deleteEndpoint(sql: SqlRunner, id: string): Promise<boolean> {
  const rows = await sql.query(`DELETE FROM webhook_endpoints WHERE id = $1 AND managed_by = 'api' RETURNING id`, [id]);
  return rows.length === 1;
}
