// One prune: read the finished runs, let the policy choose (core/retention.ts),
// then delete the chosen runs one at a time, giving the event loop a turn between
// them, so the engine's timers and commits go on while a prune of many runs does.
import { parseAge, runsToPrune, type FinishedRunFacts, type RetentionPolicy } from "../core/retention.js";
import type { RunStatus } from "../core/status.js";
import type { DeletedRows, FinishedRunRow, RetentionStore } from "./retention-store.js";

export interface PruneRequest {
  policy: RetentionPolicy;
  now: number;
  /** List what would go, delete nothing. */
  dryRun?: boolean;
  /** Only runs in these (settled) statuses. */
  statuses?: RunStatus[];
  /** Whether a run's own `retention` option replaces the policy for it (the standing policy: yes; an explicit prune: no). */
  honourRunRetention?: boolean;
  /** Deletes under this lease owner. */
  owner: string;
  /** Rows per statement. */
  batch?: number;
  /** Stop after this many deletions (the rest wait for the next prune). */
  limit?: number;
  /**
   * After each run, wait this many times as long as deleting it took: 9 leaves the database at
   * least 90 % of its time for the runs in progress (the embedded store has one thread for all). 0: at once.
   */
  pace?: number;
  /** Asked before each deletion; false ends the prune there (a background pass whose lease was lost). */
  stillMine?: () => Promise<boolean>;
  /** Told after each run deleted. */
  onDeleted?: (runId: string, rows: DeletedRows) => void;
}

export interface PruneReport {
  /** What the policy chose, oldest first. */
  chosen: FinishedRunRow[];
  deleted: string[];
  /** Chosen but not deleted: resumed or taken in the meantime. */
  skipped: string[];
  rows: DeletedRows;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function pruneRuns(store: RetentionStore, req: PruneRequest): Promise<PruneReport> {
  const rows = await store.finishedRuns(req.statuses);
  const facts: FinishedRunFacts[] = rows.map((r) => ({
    id: r.id,
    status: r.status,
    finishedAt: r.finishedAt,
    retentionMs: req.honourRunRetention && r.retention ? parseAge(r.retention) : null,
  }));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const chosen = runsToPrune(facts, req.policy, req.now).map((id) => byId.get(id)!);
  const report: PruneReport = { chosen, deleted: [], skipped: [], rows: { runs: 0, taskRuns: 0, attempts: 0, eventPages: 0, checkpoints: 0 } };
  if (req.dryRun) return report;
  const batch = chosen.slice(0, req.limit ?? chosen.length);
  for (const [i, { id }] of batch.entries()) {
    if (req.stillMine && !(await req.stillMine())) break;
    const started = performance.now();
    const outcome = await store.deleteRun(id, req.owner, req.batch);
    if (outcome.kind === "deleted") {
      report.deleted.push(id);
      for (const k of Object.keys(report.rows) as (keyof DeletedRows)[]) report.rows[k] += outcome.rows[k];
      req.onDeleted?.(id, outcome.rows);
    } else if (outcome.kind !== "missing") report.skipped.push(id);
    if (i < batch.length - 1) await (req.pace ? wait((performance.now() - started) * req.pace) : nextTurn());
  }
  return report;
}
