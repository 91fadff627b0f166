import type { ClaimedDelivery } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";

/**
 * Leases due deliveries to `owner`. FOR UPDATE SKIP LOCKED: two replicas claiming at once
 * take different rows, and a row whose lease is live is not due. A delivery waits while an
 * earlier one of the same run to the same endpoint is pending, so each run's notifications
 * arrive in order.
 */
export async function claimDue(
  sql: SqlRunner,
  owner: string,
  limit: number,
  perEndpoint: number,
  busy: string[],
  leaseMs: number,
): Promise<ClaimedDelivery[]> {
  return sql.query<ClaimedDelivery>(
    `WITH candidates AS (
       SELECT c.id, c.endpoint_id, c.ord FROM webhook_deliveries c
       WHERE c.state = 'pending' AND c.next_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now())
         AND NOT (c.endpoint_id = ANY($3::text[]))
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                         WHERE p.endpoint_id = c.endpoint_id AND p.run_id = c.run_id AND p.state = 'pending' AND p.ord < c.ord)
       ORDER BY c.ord LIMIT $2 * 4
     ), fair AS (
       -- at most perEndpoint of one endpoint's: what is claimed can be sent at once, within its lease
       SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY endpoint_id ORDER BY ord) AS n FROM candidates) x WHERE n <= $5
     ), due AS (
       SELECT d.id FROM webhook_deliveries d JOIN fair ON fair.id = d.id
       WHERE d.state = 'pending' AND (d.lease_until IS NULL OR d.lease_until < now())
       ORDER BY d.ord LIMIT $2 FOR UPDATE OF d SKIP LOCKED
     ), claimed AS (
       UPDATE webhook_deliveries d SET lease_owner = $1, lease_until = now() + make_interval(secs => $4::float8 / 1000)
       FROM due WHERE d.id = due.id RETURNING d.id, d.endpoint_id, d.payload::text AS payload, d.tries, d.ord
     )
     SELECT c.id, c.endpoint_id AS "endpointId", e.url, e.secret, c.payload, c.tries
     FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id ORDER BY c.ord`,
    [owner, limit, busy, leaseMs, perEndpoint],
  );
}
