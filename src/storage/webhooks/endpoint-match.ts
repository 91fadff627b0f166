// The SQL condition under which endpoint `ep` wants a notification of type `type`
// about a run with source origin `origin` and tag `tag` (SQL expressions). Sources
// are globs where `*` is any text; LIKE's own wildcards in them are literal.
export function endpointWants(ep: string, type: string, origin: string, tag: string): string {
  const like = `replace(replace(replace(replace(glob, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%')`;
  return `${type} = ANY(${ep}.events)
    AND (cardinality(${ep}.tags) = 0 OR ${tag} = ANY(${ep}.tags))
    AND (cardinality(${ep}.sources) = 0 OR EXISTS (SELECT 1 FROM unnest(${ep}.sources) glob WHERE ${origin} LIKE ${like}))`;
}

/** A new delivery id: the webhook-id every try of it carries. */
export const NEW_MESSAGE_ID = `'msg_' || replace(gen_random_uuid()::text, '-', '')`;

/** The payload of a delivery: Standard Webhooks' {type, timestamp, data} with the run's id, source and tag in data. */
export function payloadOf(type: string, isoTime: string, runId: string, source: string, data: string): string {
  return `jsonb_build_object('type', ${type}, 'timestamp', ${isoTime},
      'data', jsonb_build_object('runId', ${runId}, 'source', ${source}->>'origin', 'tag', ${source}->'tag') || ${data})`;
}
