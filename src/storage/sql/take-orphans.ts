// The batched takeover's first statement: the leases of many orphaned runs taken at
// once, each run's row returned as written. A run is taken when it is still left
// running, pending or cancelling and its lease is free, expired, already ours, or
// held by the owner the caller proved gone for it; anything else (another process
// took it meanwhile, it finished, it was deleted) is left out of the answer.
//
// The rows are locked in id order and rows another transaction holds are skipped
// (graphile-worker's way of handing out jobs): two processes taking over at once
// never wait on each other or deadlock, and a run one of them is writing right now
// is not taken by the other; the orphan watch looks at it again later.
import type { OrphanClaim, RunRecord } from "../../engine/store.js";
import type { Run } from "../generated/client.js";
import type { SqlRunner } from "../migrations.js";
import { RUN_AS_MODEL, toRunRecord } from "../runs.js";

const TAKE = `
WITH c AS (
  SELECT runs.id AS taken FROM runs JOIN unnest($1::text[], $2::text[]) AS u(id, gone) ON runs.id = u.id
  WHERE runs.status IN ('running', 'pending', 'cancelling')
    AND (runs.lease_owner IS NULL OR runs.lease_owner = $3 OR runs.lease_expires_at < now() OR runs.lease_owner = u.gone)
  ORDER BY runs.id
  FOR UPDATE OF runs SKIP LOCKED
)
UPDATE runs SET lease_owner = $3, lease_expires_at = now() + make_interval(secs => $4::float8 / 1000)
FROM c WHERE runs.id = c.taken
RETURNING ${RUN_AS_MODEL}`;

export async function takeOrphans(sql: SqlRunner, claims: readonly OrphanClaim[], owner: string, leaseMs: number): Promise<RunRecord[]> {
  if (claims.length === 0) return [];
  const rows = await sql.query<Run>(
    TAKE,
    [claims.map((c) => c.runId), claims.map((c) => c.from ?? null), owner, leaseMs],
    "conveyor_take_orphans",
  );
  return rows.map(toRunRecord);
}
