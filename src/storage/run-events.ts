// The event log: a run's events in pages of up to EVENTS_PER_PAGE consecutive
// sequence numbers, one row each (written by the commit statement, sql/commit-batch.ts).
// Sequence numbers are gapless, so the pages that hold (after, after + limit]
// are found by a range scan of the primary key.
import type { RunEvent } from "../engine/ports.js";
import type { SqlRunner } from "./migrations.js";

export const EVENTS_PER_PAGE = 256;

/**
 * An event as a page stores it (JSON): the run is the row's. Read back, it is trusted to be
 * one of the union (core/events.ts), not validated: only the journal's typed emit writes
 * pages, in the commit that fences the run, and the feeds read them on their hot path.
 */
export type StoredEvent = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, "runId"> : never) : never;

export const storedEvent = (e: RunEvent): StoredEvent =>
  ({ seq: e.seq, type: e.type, taskId: e.taskId, data: e.data, at: e.at }) as StoredEvent;

const READ = `
SELECT events FROM run_event_pages
WHERE run_id = $1 AND first_seq > $2::int - ${EVENTS_PER_PAGE} AND first_seq <= $2::bigint + $3::bigint AND last_seq > $2::int
ORDER BY first_seq`;

/** The run's events after `afterSeq`, in order, at most `limit`: the replay half of a gapless subscription. */
export async function readEvents(sql: SqlRunner, runId: string, afterSeq: number, limit: number): Promise<RunEvent[]> {
  const pages = await sql.query<{ events: StoredEvent[] }>(READ, [runId, afterSeq, limit]);
  const out: RunEvent[] = [];
  for (const { events } of pages) {
    for (const e of events) {
      if (e.seq <= afterSeq) continue;
      if (out.length === limit) return out;
      out.push({ runId, ...e });
    }
  }
  return out;
}

// Pages are written once, by the commit that holds their events: pages written
// since `since` hold every event committed since. Only runs changed since are
// looked at (a resync after a short outage touches a few). Pages and runs are
// stamped by the database's clock, events by the engine's: the pages are picked
// with a margin, the events exactly. The events are picked out of their pages
// in the database, so that only run changes cross the wire.
const DATABASE_CLOCK_MARGIN_MS = 2_000;
const RUN_CHANGES_SINCE = `
SELECT p.run_id, e.value AS event
FROM run_event_pages p JOIN runs r ON r.id = p.run_id, json_array_elements(p.events) e
WHERE r.updated_at >= to_timestamp($1::float8 / 1000) AND p.created_at >= to_timestamp($1::float8 / 1000)
  AND e.value->>'type' LIKE 'run.%' AND e.value->>'type' <> 'run.checkpoint' AND (e.value->>'at')::float8 >= $2
ORDER BY (e.value->>'at')::float8, p.run_id, (e.value->>'seq')::int
LIMIT $3`;

/** Run changes (isRunChange) of every run recorded at or after `since` (ms), oldest first, at most `limit`. */
export async function runChangesSince(sql: SqlRunner, since: number, limit: number): Promise<RunEvent[]> {
  const rows = await sql.query<{ run_id: string; event: StoredEvent }>(RUN_CHANGES_SINCE, [since - DATABASE_CLOCK_MARGIN_MS, since, limit]);
  return rows.map(({ run_id: runId, event }) => ({ runId, ...event }));
}
