// The webhook outbox inside the commit statement: one delivery per notice per endpoint
// that wants it, written atomically with the transition it reports. Only batches that
// carry a notice (a run's end, a task's final failure) have this part, so the hot path
// of task transitions is untouched; with no endpoints it inserts nothing.
import type { Notice } from "../../core/notices.js";
import { endpointWants, NEW_MESSAGE_ID, payloadOf } from "../webhooks/endpoint-match.js";

interface Placeholders {
  add(value: unknown, type: string): string;
}

export function outboxPart(p: Placeholders, notices: readonly Notice[]): string {
  const u = `unnest(${p.add(
    notices.map((n) => n.seq),
    "int[]",
  )}, ${p.add(
    notices.map((n) => n.type),
    "text[]",
  )},
    ${p.add(
      notices.map((n) => new Date(n.at).toISOString()),
      "text[]",
    )}, ${p.add(
      notices.map((n) => JSON.stringify(n.data)),
      "text[]",
    )})
    AS u(seq, type, at, data)`;
  return `o AS (
  INSERT INTO webhook_deliveries (id, endpoint_id, run_id, seq, type, payload)
  SELECT ${NEW_MESSAGE_ID}, ep.id, r.id, u.seq, u.type, ${payloadOf("u.type", "u.at", "r.id", "rr.source", "u.data::jsonb")}
  FROM r JOIN runs rr ON rr.id = r.id CROSS JOIN ${u}
  JOIN webhook_endpoints ep ON ${endpointWants("ep", "u.type", "rr.source->>'origin'", "rr.source->>'tag'")}
  ON CONFLICT DO NOTHING)`;
}
