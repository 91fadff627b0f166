import type { DeliveryRecord } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";
import { DELIVERY_COLUMNS, deliveryOf, type DeliveryRow } from "./rows.js";

export async function getDelivery(sql: SqlRunner, id: string): Promise<DeliveryRecord | null> {
  const rows = await sql.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1`, [id]);
  return rows[0] ? deliveryOf(rows[0]) : null;
}
