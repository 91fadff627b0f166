// The memo cache: successful results by memo key, shared by every run, so a
// task already done with the same inputs is not run again. Both queries take a
// whole run's keys as one array parameter, through the driver (see task-runs.ts).
import type { MemoEntry, MemoFound } from "../engine/store.js";
import type { SqlRunner } from "./migrations.js";

export interface MemoQuery {
  keys: string[];
  maxAgeMs?: number | undefined;
}

/**
 * Cached successes for each query's keys (within its maxAgeMs), and the mean duration
 * of each key's successes (whatever their age: durations are summed on the entry),
 * one statement for them all.
 */
export async function memoLookups(sql: SqlRunner, queries: readonly MemoQuery[]): Promise<MemoFound[]> {
  const keys = [...new Set(queries.flatMap((q) => q.keys))];
  if (keys.length === 0) return queries.map(() => ({ memo: new Map(), durations: new Map() }));
  const rows = await sql.query<{ memo_key: string; task_id: string; result: unknown; age_ms: number; mean_ms: number | null }>(
    `SELECT memo_key, task_id, result, extract(epoch FROM now() - created_at)::float8 * 1000 AS age_ms,
       CASE WHEN successes > 0 THEN success_ms_total / successes END AS mean_ms
     FROM memo_cache WHERE memo_key = ANY($1::text[])`,
    [keys],
  );
  const found = new Map(rows.map((r) => [r.memo_key, r]));
  return queries.map((q) => {
    const memo = new Map<string, MemoEntry>();
    const durations = new Map<string, number>();
    for (const key of q.keys) {
      const r = found.get(key);
      if (r === undefined) continue;
      if (r.mean_ms !== null) durations.set(key, Number(r.mean_ms));
      if (q.maxAgeMs !== undefined && Number(r.age_ms) > q.maxAgeMs) continue;
      memo.set(key, { memoKey: r.memo_key, taskId: r.task_id, result: r.result ?? undefined });
    }
    return { memo, durations };
  });
}

/**
 * Mean duration of the successes of tasks with these memo keys, in earlier runs: summed on
 * the memo entry by the commits that wrote it, so this reads one row per key however long
 * the history is (a mean over the attempts themselves grew with every run of the same tasks).
 */
export async function historicalDurations(sql: SqlRunner, keys: string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await sql.query<{ memo_key: string; ms: number }>(
    `SELECT memo_key, success_ms_total / successes AS ms
     FROM memo_cache WHERE memo_key = ANY($1::text[]) AND successes > 0`,
    [keys],
  );
  return new Map(rows.map((r) => [r.memo_key, Number(r.ms)]));
}
