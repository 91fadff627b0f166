import type { EndpointRecord } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";
import { ENDPOINT_COLUMNS, endpointOf, type EndpointRow } from "./rows.js";

export async function getEndpoint(sql: SqlRunner, id: string): Promise<EndpointRecord | null> {
  const rows = await sql.query<EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1`, [id]);
  return rows[0] ? endpointOf(rows[0]) : null;
}
