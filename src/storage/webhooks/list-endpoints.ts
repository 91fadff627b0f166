import type { EndpointRecord } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";
import { ENDPOINT_COLUMNS, endpointOf, type EndpointRow } from "./rows.js";

export async function listEndpoints(sql: SqlRunner): Promise<EndpointRecord[]> {
  const rows = await sql.query<EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at, id`);
  return rows.map(endpointOf);
}
