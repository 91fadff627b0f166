// The memo cache's own expiry: entries older than a time to live, then the oldest beyond a
// number of entries, removed a bounded batch per statement (by the created_at index), so a
// large cache is never one long statement. Runs, hot or archived, do not hold entries: a
// cached result is keyed by its inputs, and removing one only means running that task again.
import type { MemoExpiry } from "../engine/retention-store.js";
import type { SqlRunner } from "./migrations.js";

export const MEMO_EXPIRY_BATCH = 500;

const EXPIRE = `
DELETE FROM memo_cache WHERE memo_key IN (
  SELECT memo_key FROM memo_cache WHERE created_at < now() - make_interval(secs => $1::float8 / 1000) LIMIT $2)
RETURNING 1`;

// beyond the newest $1: the newest of those (the row at that offset) and everything older,
// oldest first; that row is the last to go, so each batch finds the same cut until it is done
const EVICT = `
DELETE FROM memo_cache WHERE memo_key IN (
  SELECT memo_key FROM memo_cache
   WHERE (created_at, memo_key) <= (SELECT created_at, memo_key FROM memo_cache ORDER BY created_at DESC, memo_key DESC OFFSET $1 LIMIT 1)
   ORDER BY created_at, memo_key LIMIT $2)
RETURNING 1`;

export async function expireMemo(
  sql: SqlRunner,
  policy: { ttlMs?: number; maxEntries?: number },
  batch = MEMO_EXPIRY_BATCH,
): Promise<MemoExpiry> {
  const out: MemoExpiry = { expired: 0, evicted: 0 };
  if (policy.ttlMs !== undefined) {
    for (let n = batch; n === batch; out.expired += n) n = (await sql.query(EXPIRE, [policy.ttlMs, batch])).length;
  }
  if (policy.maxEntries !== undefined) {
    for (let n = batch; n === batch; out.evicted += n) n = (await sql.query(EVICT, [policy.maxEntries, batch])).length;
  }
  return out;
}
