// Reading an archived run's parts back: its units, attempts and events, as the hot tables
// would give them. A part is decompressed once and kept for a few runs (an archive never
// changes; it is checked to still exist, by its stamp, on every read), so paging through an
// archived run's events or its tasks' attempts does not decompress the whole part per page.
import type { RunEvent } from "../../engine/ports.js";
import type { AttemptRecord, StoredUnit } from "../../engine/store.js";
import type { SqlRunner } from "../migrations.js";
import type { StoredEvent } from "../run-events.js";
import { unpackJson, unpackLines } from "./codec.js";

type Part = "units" | "attempts" | "events";

interface Decoded {
  units: StoredUnit[];
  attempts: AttemptRecord[];
  events: { firstSeq: number; lines: string[] };
}

/** Runs whose decoded parts are kept, per part. */
const KEPT = 4;
const cache: { [P in Part]: Map<string, { stamp: number; value: Decoded[P] }> } = {
  units: new Map(),
  attempts: new Map(),
  events: new Map(),
};

const decode: { [P in Part]: (bytes: Uint8Array, firstSeq: number) => Promise<Decoded[P]> } = {
  units: (b) => unpackJson<StoredUnit[]>(b),
  attempts: (b) => unpackJson<AttemptRecord[]>(b),
  events: async (b, firstSeq) => ({ firstSeq, lines: await unpackLines(b) }),
};

/** The part of the run's archive, decoded; undefined when the run has no archive. */
async function part<P extends Part>(sql: SqlRunner, runId: string, name: P): Promise<Decoded[P] | undefined> {
  const kept = cache[name].get(runId) as { stamp: number; value: Decoded[P] } | undefined;
  const [row] = await sql.query<{ stamp: number; first_seq: number; bytes: Uint8Array | null }>(
    `SELECT (extract(epoch FROM created_at) * 1000)::float8 AS stamp, first_seq, CASE WHEN $2 THEN ${name} END AS bytes
       FROM archived_runs WHERE run_id = $1`,
    [runId, kept === undefined],
  );
  if (!row) {
    cache[name].delete(runId);
    return undefined;
  }
  if (kept && kept.stamp === Number(row.stamp)) return kept.value;
  const bytes =
    row.bytes ??
    (await sql.query<{ bytes: Uint8Array }>(`SELECT ${name} AS bytes FROM archived_runs WHERE run_id = $1`, [runId]))[0]?.bytes;
  if (!bytes) return undefined;
  const value = await decode[name](bytes, row.first_seq);
  cache[name].delete(runId);
  cache[name].set(runId, { stamp: Number(row.stamp), value } as never);
  if (cache[name].size > KEPT) cache[name].delete(cache[name].keys().next().value!);
  return value;
}

export const archivedUnits = (sql: SqlRunner, runId: string): Promise<StoredUnit[] | undefined> => part(sql, runId, "units");

export async function archivedAttempts(sql: SqlRunner, runId: string, index?: number): Promise<AttemptRecord[] | undefined> {
  const all = await part(sql, runId, "attempts");
  return all && (index === undefined ? all : all.filter((a) => a.index === index));
}

/** The archived events after `afterSeq`, at most `limit`; only those lines are parsed (numbers are gapless from firstSeq). */
export async function archivedEvents(sql: SqlRunner, runId: string, afterSeq: number, limit: number): Promise<RunEvent[] | undefined> {
  const events = await part(sql, runId, "events");
  if (!events) return undefined;
  const { lines } = events;
  let from = Math.min(Math.max(0, afterSeq - events.firstSeq + 1), lines.length);
  // should a log ever have a gap, it is scanned whole rather than an event skipped
  if (from > 0 && from < lines.length && (JSON.parse(lines[from - 1]!) as StoredEvent).seq !== afterSeq) from = 0;
  const out: RunEvent[] = [];
  for (let i = from; i < lines.length && out.length < limit; i++) {
    const e = JSON.parse(lines[i]!) as StoredEvent;
    if (e.seq > afterSeq) out.push({ runId, ...e });
  }
  return out;
}
