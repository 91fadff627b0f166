import type { SqlRunner } from "../migrations.js";
import { endpointWants, NEW_MESSAGE_ID, payloadOf } from "./endpoint-match.js";

/**
 * run.interrupted for every run left running or pending whose lease lapsed `graceMs` ago and
 * that no process took over since: keyed by the run's last sequence number, so one lapse is
 * reported once, by whichever replica sweeps first.
 */
export async function sweepInterrupted(sql: SqlRunner, graceMs: number): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `WITH s AS (
       SELECT id, last_seq, source, lease_owner FROM runs
       WHERE status IN ('running', 'pending') AND lease_expires_at IS NOT NULL
         AND lease_expires_at < now() - make_interval(secs => $1::float8 / 1000)
     ), i AS (
       INSERT INTO webhook_deliveries (id, endpoint_id, run_id, seq, type, payload)
       SELECT ${NEW_MESSAGE_ID}, ep.id, s.id, s.last_seq, 'run.interrupted',
         ${payloadOf(
           "'run.interrupted'",
           `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
           "s.id",
           "s.source",
           "jsonb_build_object('driver', s.lease_owner)",
         )}
       FROM s JOIN webhook_endpoints ep ON ${endpointWants("ep", "'run.interrupted'", "s.source->>'origin'", "s.source->>'tag'")}
       ON CONFLICT DO NOTHING RETURNING 1
     ) SELECT count(*)::int AS n FROM i`,
    [graceMs],
  );
  return rows[0]?.n ?? 0;
}
