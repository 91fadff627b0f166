import type { EndpointPatch, EndpointRecord } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";
import { ENDPOINT_COLUMNS, endpointOf, type EndpointRow } from "./rows.js";

/** Changes the given fields of an API-managed endpoint; null when there is none with that id. */
export async function updateEndpoint(sql: SqlRunner, id: string, p: EndpointPatch): Promise<EndpointRecord | null> {
  const rows = await sql.query<EndpointRow>(
    `UPDATE webhook_endpoints SET
       url = COALESCE($2, url),
       description = CASE WHEN $3::bool THEN $4 ELSE description END,
       events = COALESCE($5::text[], events),
       sources = COALESCE($6::text[], sources),
       tags = COALESCE($7::text[], tags),
       updated_at = now()
     WHERE id = $1 AND managed_by = 'api' RETURNING ${ENDPOINT_COLUMNS}`,
    [id, p.url ?? null, p.description !== undefined, p.description ?? null, p.events ?? null, p.sources ?? null, p.tags ?? null],
  );
  return rows[0] ? endpointOf(rows[0]) : null;
}
