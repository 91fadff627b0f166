import type { AttemptRecord } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";
import { attemptOf, type AttemptRow } from "./rows.js";

/** Attempts of these deliveries, in order of each delivery's attempts. */
export async function listWebhookAttempts(sql: SqlRunner, deliveryIds: string[]): Promise<AttemptRecord[]> {
  if (deliveryIds.length === 0) return [];
  const rows = await sql.query<AttemptRow>(
    `SELECT delivery_id, number, at, status_code, latency_ms, error, next_at, sent_by FROM webhook_attempts
     WHERE delivery_id = ANY($1::text[]) ORDER BY delivery_id, number`,
    [deliveryIds],
  );
  return rows.map(attemptOf);
}
