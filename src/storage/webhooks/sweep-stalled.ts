import type { SqlRunner } from "../migrations.js";
import { endpointWants, NEW_MESSAGE_ID, payloadOf } from "./endpoint-match.js";

/**
 * run.stalled for every running run with no commit for `stallMs`: keyed by the run's last
 * sequence number, so one stall is reported once (by whichever replica sweeps first) and a
 * run that moves and stalls again is reported again.
 */
export async function sweepStalled(sql: SqlRunner, stallMs: number): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `WITH s AS (
       SELECT id, last_seq, source, updated_at FROM runs
       WHERE status = 'running' AND updated_at < now() - make_interval(secs => $1::float8 / 1000)
     ), i AS (
       INSERT INTO webhook_deliveries (id, endpoint_id, run_id, seq, type, payload)
       SELECT ${NEW_MESSAGE_ID}, ep.id, s.id, s.last_seq, 'run.stalled',
         ${payloadOf(
           "'run.stalled'",
           `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
           "s.id",
           "s.source",
           `jsonb_build_object('lastProgressAt', to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'stalledForMs', ($1::float8))`,
         )}
       FROM s JOIN webhook_endpoints ep ON ${endpointWants("ep", "'run.stalled'", "s.source->>'origin'", "s.source->>'tag'")}
       ON CONFLICT DO NOTHING RETURNING 1
     ) SELECT count(*)::int AS n FROM i`,
    [stallMs],
  );
  return rows[0]?.n ?? 0;
}
