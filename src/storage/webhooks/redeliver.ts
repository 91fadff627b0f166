import type { DeliveryRecord } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";
import { DELIVERY_COLUMNS, deliveryOf, type DeliveryRow } from "./rows.js";

/** A dead (or delivered) delivery goes back to pending, due now, with its tries counted afresh; same webhook-id. */
export async function redeliver(sql: SqlRunner, id: string): Promise<DeliveryRecord | null> {
  const rows = await sql.query<DeliveryRow>(
    `UPDATE webhook_deliveries SET state = 'pending', tries = 0, next_at = now(), finished_at = NULL, lease_owner = NULL, lease_until = NULL
     WHERE id = $1 AND state <> 'pending' RETURNING ${DELIVERY_COLUMNS}`,
    [id],
  );
  return rows[0] ? deliveryOf(rows[0]) : null;
}
