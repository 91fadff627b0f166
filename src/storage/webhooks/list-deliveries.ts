import type { DeliveryFilter, DeliveryRecord } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";
import { DELIVERY_COLUMNS, deliveryOf, type DeliveryRow } from "./rows.js";

/** Newest first. */
export async function listDeliveries(sql: SqlRunner, f: DeliveryFilter): Promise<DeliveryRecord[]> {
  const rows = await sql.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
     WHERE ($1::text IS NULL OR endpoint_id = $1) AND ($2::text IS NULL OR run_id = $2) AND ($3::text IS NULL OR state = $3)
     ORDER BY ord DESC LIMIT $4`,
    [f.endpointId ?? null, f.runId ?? null, f.state ?? null, f.limit],
  );
  return rows.map(deliveryOf);
}
