// Many runs' batches as ONE statement: commits of different runs made while another
// was in flight (engine/shared-commits.ts), and the first commits of the runs a takeover
// took together (engine/commit-gate.ts). Set-based as commit-batch.ts is for one
// run, with the run's id on every row: each run's update is fenced by its own lease
// owner, and every other part joins the runs that update reached, so a run whose
// lease was lost writes nothing while the others are written. The answer names the
// runs written; the statement is atomic, so on an error none is.
//
// Everything commit-batch.ts writes rides along: memo entries, checkpoints (each run's
// pruned on its own) and webhook notices.
import { noticesOf } from "../../core/notices.js";
import type { CommitBatch } from "../../engine/store.js";
import { endpointWants, NEW_MESSAGE_ID, payloadOf } from "../webhooks/endpoint-match.js";
import type { SqlRunner } from "../migrations.js";
import { EVENTS_PER_PAGE, storedEvent } from "../run-events.js";
import { ATTEMPT_COLUMNS, MEMO_COLUMNS, RUN_ID, TASK_COLUMNS, unnestRows, withRunId } from "./commit-columns.js";
import { Params, statementName } from "./params.js";

function runsPart(p: Params, bs: readonly CommitBatch[]): string {
  const col = <T>(f: (b: CommitBatch) => T, type: string) => p.add(bs.map(f), type);
  const ids = col((b) => b.runId, "text[]");
  const owners = col((b) => b.owner, "text[]");
  // a run's first commit with tracing on keeps its trace (the column only when some batch carries one)
  const traced = bs.some((b) => b.traceParent !== undefined);
  const traces = traced ? `, ${col((b) => b.traceParent ?? null, "text[]")}` : "";
  // the rows are locked first, in id order, as renewLeases locks them: two statements that
  // each lock many runs never wait on each other in a cycle (a deadlock PostgreSQL breaks
  // only after a second, by failing one)
  return `l AS (
  SELECT runs.id FROM runs JOIN unnest(${ids}, ${owners}) AS k(id, owner) ON runs.id = k.id AND runs.lease_owner = k.owner
  ORDER BY runs.id FOR UPDATE OF runs
), r AS (
  UPDATE runs SET status = u.status, pending = u.pending, running = u.running, succeeded = u.succeeded, failed = u.failed,
    skipped = u.skipped, cancelled = u.cancelled, memoized = u.memoized, last_seq = u.last_seq,
    finished_since_checkpoint = u.fsc, reason = u.reason, started_at = to_timestamp(u.st / 1000),
    finished_at = to_timestamp(u.fi / 1000), updated_at = now()${traced ? ", trace_parent = COALESCE(runs.trace_parent, u.tp)" : ""}
  FROM unnest(${ids}, ${owners}, ${col((b) => b.run.status, "text[]")},
    ${col((b) => b.run.pending, "int[]")}, ${col((b) => b.run.running, "int[]")}, ${col((b) => b.run.succeeded, "int[]")},
    ${col((b) => b.run.failed, "int[]")}, ${col((b) => b.run.skipped, "int[]")}, ${col((b) => b.run.cancelled, "int[]")},
    ${col((b) => b.run.memoized, "int[]")}, ${col((b) => b.run.lastSeq, "int[]")}, ${col((b) => b.run.finishedSinceCheckpoint, "int[]")},
    ${col((b) => b.run.reason, "text[]")}, ${col((b) => b.run.startedAt, "float8[]")}, ${col((b) => b.run.finishedAt, "float8[]")}${traces})
    AS u(id, owner, status, pending, running, succeeded, failed, skipped, cancelled, memoized, last_seq, fsc, reason, st, fi${traced ? ", tp" : ""})
  WHERE runs.id = u.id AND runs.lease_owner = u.owner AND runs.id IN (SELECT id FROM l)
  RETURNING runs.id)`;
}

function tasksPart(p: Params, bs: readonly CommitBatch[]): string {
  const t = bs.flatMap((b) => b.tasks.map((x) => ({ runId: b.runId, ...x })));
  return `t AS (
  UPDATE task_runs tr SET status = u.status, attempts = u.attempts, memoized = u.memoized, blocked_by = u.blocked_by,
    error = u.error, result = CASE WHEN u.result_kept THEN tr.result ELSE u.result::jsonb END, progress = u.progress,
    started_at = to_timestamp(u.st / 1000), finished_at = to_timestamp(u.fi / 1000)
  FROM ${unnestRows(p, t, withRunId(TASK_COLUMNS))}
  WHERE tr.run_id = u.run_id AND tr.idx = u.idx AND u.run_id IN (SELECT id FROM r))`;
}

function attemptsPart(p: Params, bs: readonly CommitBatch[]): string {
  const a = bs.flatMap((b) => b.attempts.map((x) => ({ runId: b.runId, ...x })));
  return `a AS (
  INSERT INTO attempts (run_id, idx, number, status, started_at, finished_at, exit_code, error, stdout_tail, stderr_tail)
  SELECT u.run_id, u.idx, u.number, u.status, to_timestamp(u.st / 1000), to_timestamp(u.fi / 1000),
         u.exit_code, u.error, u.stdout_tail, u.stderr_tail
  FROM ${unnestRows(p, a, withRunId(ATTEMPT_COLUMNS))}
  WHERE u.run_id IN (SELECT id FROM r)
  ON CONFLICT (run_id, idx, number) DO UPDATE SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at,
    exit_code = EXCLUDED.exit_code, error = EXCLUDED.error, stdout_tail = EXCLUDED.stdout_tail,
    stderr_tail = EXCLUDED.stderr_tail)`;
}

/** Events as pages (run-events.ts), each run's own. */
function eventsPart(p: Params, bs: readonly CommitBatch[]): string {
  const run: string[] = [];
  const first: number[] = [];
  const last: number[] = [];
  const pages: string[] = [];
  for (const b of bs) {
    for (let i = 0; i < b.events.length; i += EVENTS_PER_PAGE) {
      const page = b.events.slice(i, i + EVENTS_PER_PAGE);
      run.push(b.runId);
      first.push(page[0]!.seq);
      last.push(page[page.length - 1]!.seq);
      pages.push(JSON.stringify(page.map(storedEvent)));
    }
  }
  return `e AS (
  INSERT INTO run_event_pages (run_id, first_seq, last_seq, events)
  SELECT u.run_id, u.first_seq, u.last_seq, u.events::json
  FROM unnest(${p.add(run, "text[]")}, ${p.add(first, "int[]")}, ${p.add(last, "int[]")}, ${p.add(pages, "text[]")}) AS u(run_id, first_seq, last_seq, events)
  WHERE u.run_id IN (SELECT id FROM r))`;
}

/**
 * Two runs of one statement may write the same memo key, which one INSERT … ON CONFLICT
 * cannot take twice: of the entries of the runs written, the last batch's wins, as if
 * each had been committed in turn, and the entry adds up the durations of all of them.
 * The keys go in order, as any two statements take them.
 */
function memoPart(p: Params, bs: readonly CommitBatch[]): string {
  const m = bs.flatMap((b, i) => b.memo.map((x) => ({ runId: b.runId, order: i, ...x })));
  return `m AS (
  INSERT INTO memo_cache (memo_key, task_id, result, run_id, created_at, success_ms_total, successes)
  SELECT DISTINCT ON (u.memo_key) u.memo_key, u.task_id, u.result::jsonb, u.run_id, now(),
    sum(u.ms) OVER (PARTITION BY u.memo_key), count(*) OVER (PARTITION BY u.memo_key)
  FROM ${unnestRows(p, m, [RUN_ID, ["ord", "int[]", (x) => x.order], ...MEMO_COLUMNS], "n")}
  WHERE u.run_id IN (SELECT id FROM r)
  ORDER BY u.memo_key, u.ord DESC, u.n DESC
  ON CONFLICT (memo_key) DO UPDATE SET task_id = EXCLUDED.task_id, result = EXCLUDED.result,
    run_id = EXCLUDED.run_id, created_at = EXCLUDED.created_at,
    success_ms_total = memo_cache.success_ms_total + EXCLUDED.success_ms_total, successes = memo_cache.successes + EXCLUDED.successes)`;
}

/** Each run's new checkpoint, and the pruning of its older ones beyond its `keep` (as commit-batch.ts does per run). */
function checkpointParts(p: Params, bs: readonly CommitBatch[]): string {
  const c = bs.flatMap((b) => (b.checkpoint ? [{ runId: b.runId, ...b.checkpoint }] : []));
  const runs = p.add(
    c.map((x) => x.runId),
    "text[]",
  );
  // statements in one WITH see the table as it was: keep K-1 old ones beside the new one
  return `c AS (
  INSERT INTO checkpoints (id, run_id, seq, reason, snapshot)
  SELECT u.id, u.run_id, u.seq, u.reason, u.snapshot::jsonb
  FROM unnest(${p.add(
    c.map((x) => x.id),
    "text[]",
  )}, ${runs}, ${p.add(
    c.map((x) => x.seq),
    "int[]",
  )},
    ${p.add(
      c.map((x) => x.reason),
      "text[]",
    )}, ${p.add(
      c.map((x) => JSON.stringify(x.snapshot)),
      "text[]",
    )}) AS u(id, run_id, seq, reason, snapshot)
  WHERE u.run_id IN (SELECT id FROM r)
), d AS (
  DELETE FROM checkpoints WHERE id IN (
    SELECT o.id FROM (
      SELECT old.id, k.keep, row_number() OVER (PARTITION BY old.run_id ORDER BY old.seq DESC, old.created_at DESC) AS n
      FROM checkpoints old JOIN unnest(${runs}, ${p.add(
        c.map((x) => x.keep),
        "int[]",
      )}) AS k(run_id, keep) ON old.run_id = k.run_id
      WHERE k.run_id IN (SELECT id FROM r)) o
    WHERE o.n > greatest(o.keep - 1, 0)))`;
}

/** The webhook outbox (outbox-part.ts), each notice with its run's id. */
function outboxPart(p: Params, bs: readonly CommitBatch[], wants: (type: string) => boolean): string | undefined {
  const n = bs.flatMap((b) =>
    noticesOf(b.events)
      .filter((x) => wants(x.type))
      .map((x) => ({ runId: b.runId, ...x })),
  );
  if (n.length === 0) return undefined;
  const u = `unnest(${p.add(
    n.map((x) => x.runId),
    "text[]",
  )}, ${p.add(
    n.map((x) => x.seq),
    "int[]",
  )}, ${p.add(
    n.map((x) => x.type),
    "text[]",
  )},
    ${p.add(
      n.map((x) => new Date(x.at).toISOString()),
      "text[]",
    )}, ${p.add(
      n.map((x) => JSON.stringify(x.data)),
      "text[]",
    )})
    AS u(run_id, seq, type, at, data)`;
  return `o AS (
  INSERT INTO webhook_deliveries (id, endpoint_id, run_id, seq, type, payload)
  SELECT ${NEW_MESSAGE_ID}, ep.id, rr.id, u.seq, u.type, ${payloadOf("u.type", "u.at", "rr.id", "rr.source", "u.data::jsonb")}
  FROM ${u} JOIN runs rr ON rr.id = u.run_id AND rr.id IN (SELECT id FROM r)
  JOIN webhook_endpoints ep ON ${endpointWants("ep", "u.type", "rr.source->>'origin'", "rr.source->>'tag'")}
  ON CONFLICT DO NOTHING)`;
}

/** `wants`: whether some webhook endpoint wants a notice type; by default, assume so. */
export function commitManyStatement(
  bs: readonly CommitBatch[],
  wants: (type: string) => boolean = () => true,
): { text: string; values: unknown[] } {
  const p = new Params();
  const parts = [runsPart(p, bs)];
  if (bs.some((b) => b.tasks.length)) parts.push(tasksPart(p, bs));
  if (bs.some((b) => b.attempts.length)) parts.push(attemptsPart(p, bs));
  if (bs.some((b) => b.events.length)) parts.push(eventsPart(p, bs));
  if (bs.some((b) => b.memo.length)) parts.push(memoPart(p, bs));
  if (bs.some((b) => b.checkpoint)) parts.push(checkpointParts(p, bs));
  const outbox = outboxPart(p, bs, wants);
  if (outbox) parts.push(outbox);
  return { text: `WITH ${parts.join(", ")} SELECT id FROM r`, values: p.values };
}

/** Writes batches of different runs at once; returns the ids of the runs written (the others' leases are lost). */
export async function commitMany(sql: SqlRunner, bs: readonly CommitBatch[], wants?: (type: string) => boolean): Promise<string[]> {
  if (bs.length === 0) return [];
  const ids = new Set<string>();
  for (const b of bs) {
    if (ids.has(b.runId)) throw new Error(`bug: two batches of run ${b.runId} in one statement`);
    ids.add(b.runId);
  }
  const { text, values } = commitManyStatement(bs, wants);
  const rows = await sql.query<{ id: string }>(text, values, statementName(text));
  return rows.map((r) => r.id);
}
