// The event log: a run's events in pages of up to EVENTS_PER_PAGE consecutive
// sequence numbers, one row each (written by the commit statement, sql/commit-batch.ts).
// Sequence numbers are gapless, so the pages that hold (after, after + limit]
// are found by a range scan of the primary key.
import type { RunEvent } from "../engine/ports.js";
import type { SqlRunner } from "./migrations.js";

export const EVENTS_PER_PAGE = 256;

/** An event as a page stores it: the run is the row's. */
export type StoredEvent = Omit<RunEvent, "runId">;

export const storedEvent = (e: RunEvent): StoredEvent => ({ seq: e.seq, type: e.type, taskId: e.taskId, data: e.data, at: e.at });

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
