import type { NewEndpoint } from "../../notifications/ports.js";
import type { SqlRunner } from "../migrations.js";

/**
 * The configured endpoints become exactly `list`, in one statement (replicas starting together
 * agree): new ones inserted, known ones updated, the ones no longer configured deleted.
 * An id taken by an API-managed endpoint is left alone (the settings refuse such ids).
 */
export async function syncConfigEndpoints(sql: SqlRunner, list: NewEndpoint[]): Promise<void> {
  await sql.query(
    `WITH gone AS (
       DELETE FROM webhook_endpoints WHERE managed_by = 'config' AND NOT (id = ANY($1::text[]))
     )
     INSERT INTO webhook_endpoints (id, url, description, events, sources, tags, secret, managed_by)
     SELECT u.id, u.url, u.description, string_to_array(u.events, ','), COALESCE(string_to_array(NULLIF(u.sources, ''), E'\\x1f'), '{}'),
            COALESCE(string_to_array(NULLIF(u.tags, ''), E'\\x1f'), '{}'), u.secret, 'config'
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       AS u(id, url, description, events, sources, tags, secret)
     ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, description = EXCLUDED.description, events = EXCLUDED.events,
       sources = EXCLUDED.sources, tags = EXCLUDED.tags, secret = EXCLUDED.secret, updated_at = now()
     WHERE webhook_endpoints.managed_by = 'config'`,
    [
      list.map((e) => e.id),
      list.map((e) => e.url),
      list.map((e) => e.description),
      list.map((e) => e.events.join(",")),
      list.map((e) => e.sources.join("\x1f")),
      list.map((e) => e.tags.join("\x1f")),
      list.map((e) => e.secret),
    ],
  );
}
