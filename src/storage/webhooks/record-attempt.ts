import type { AttemptOutcome } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";

/**
 * One attempt and the delivery's next state, in one statement, fenced by the lease: a
 * replica whose lease lapsed (and whose row another took) records nothing.
 */
export async function recordAttempt(sql: SqlRunner, o: AttemptOutcome): Promise<boolean> {
  const state = o.ok ? "delivered" : o.nextAt === null ? "dead" : "pending";
  const rows = await sql.query<{ n: number }>(
    `WITH d AS (
       UPDATE webhook_deliveries SET state = $3, tries = tries + 1,
         next_at = COALESCE(to_timestamp($4::float8 / 1000), next_at),
         finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END,
         lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND lease_owner = $2 AND state = 'pending'
       RETURNING id
     ), a AS (
       INSERT INTO webhook_attempts (delivery_id, number, status_code, latency_ms, error, next_at, sent_by)
       SELECT d.id, COALESCE((SELECT max(number) FROM webhook_attempts WHERE delivery_id = $1), 0) + 1,
              $5, $6, $7, to_timestamp($4::float8 / 1000), $2
       FROM d
     )
     SELECT count(*)::int AS n FROM d`,
    [o.deliveryId, o.owner, state, o.nextAt, o.statusCode, Math.round(o.latencyMs), o.error],
  );
  return rows[0]?.n === 1;
}
