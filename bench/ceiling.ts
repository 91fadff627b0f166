// 6. The ceiling: raw set-based batched transitions on the same database, through
// the same driver the app opened (node-postgres pool / the PGlite instance), as in
// baselines.md item 1a/1c "batch50_set": per transaction one
// `UPDATE ... FROM unnest` of 50 task rows (status, attempts+1, updated_at) and
// one multi-row INSERT of 50 events (FK to the task, ~300-byte jsonb payload).
// BEGIN / UPDATE / INSERT / COMMIT = 4 round trips, one connection, time-boxed.
import { performance } from "node:perf_hooks";
import type { Database } from "../src/storage/database.js";
import { log } from "./support.js";

export interface CeilingResult {
  batch: number;
  transitionsPerSec: number;
  commitsPerSec: number;
  seconds: number;
}

const ROWS = 10_000;
const PAYLOAD = JSON.stringify({ note: "x".repeat(240), attempt: 1, exitCode: 0, host: "bench" });

export async function measureCeiling(db: Database, seconds: number, batch = 50): Promise<CeilingResult> {
  const sql = db.sql;
  await sql.exec(`
    DROP TABLE IF EXISTS bench_ceiling_event; DROP TABLE IF EXISTS bench_ceiling_task;
    CREATE TABLE bench_ceiling_task (id text PRIMARY KEY, status text NOT NULL, attempts int NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE bench_ceiling_event (id bigserial PRIMARY KEY, task_id text NOT NULL REFERENCES bench_ceiling_task(id),
      status text NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO bench_ceiling_task (id, status) SELECT 'task-' || g, 'pending' FROM generate_series(0, ${ROWS - 1}) g;
    ANALYZE bench_ceiling_task;`);
  const statuses = ["running", "succeeded"];
  let next = 0;
  let commits = 0;
  const oneBatch = async () => {
    const ids: string[] = [];
    const st: string[] = [];
    const payloads: string[] = [];
    for (let k = 0; k < batch; k++) {
      ids.push(`task-${next % ROWS}`);
      st.push(statuses[commits % 2]!);
      payloads.push(PAYLOAD);
      next++;
    }
    await sql.transaction(async (tx) => {
      await tx.query(
        `UPDATE bench_ceiling_task t SET status = u.status, attempts = t.attempts + 1, updated_at = now()
         FROM unnest($1::text[], $2::text[]) AS u(id, status) WHERE t.id = u.id`,
        [ids, st],
      );
      await tx.query(
        `INSERT INTO bench_ceiling_event (task_id, status, payload)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`,
        [ids, st, payloads],
      );
    });
    commits++;
  };
  // a short warm-up, then the time box
  for (let i = 0; i < 20; i++) await oneBatch();
  commits = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) await oneBatch();
  const elapsed = (performance.now() - t0) / 1000;
  await sql.exec("DROP TABLE bench_ceiling_event; DROP TABLE bench_ceiling_task;");
  const r = { batch, transitionsPerSec: (commits * batch) / elapsed, commitsPerSec: commits / elapsed, seconds: elapsed };
  log(`  ceiling batch${batch}: ${r.transitionsPerSec.toFixed(0)} transitions/s (${r.commitsPerSec.toFixed(0)} commits/s)`);
  return r;
}
