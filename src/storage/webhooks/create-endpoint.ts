import type { EndpointRecord, NewEndpoint } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";
import { ENDPOINT_COLUMNS, endpointOf, type EndpointRow } from "./rows.js";

export async function createEndpoint(sql: SqlRunner, e: NewEndpoint): Promise<EndpointRecord> {
  const rows = await sql.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (id, url, description, events, sources, tags, secret, managed_by)
     VALUES ($1, $2, $3, $4::text[], $5::text[], $6::text[], $7, $8) RETURNING ${ENDPOINT_COLUMNS}`,
    [e.id, e.url, e.description, e.events, e.sources, e.tags, e.secret, e.managedBy],
  );
  return endpointOf(rows[0]!);
}
