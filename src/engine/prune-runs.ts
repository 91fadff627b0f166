// One prune: read the finished runs, let the policy choose (core/retention.ts),
// then delete or archive the chosen runs one at a time, giving the event loop a turn
// between them, so the engine's timers and commits go on while a prune of many runs does.
// Archiving passes over runs already archived; deleting removes them like any other.
import { parseAge, runsToPrune, type FinishedRunFacts, type RetentionPolicy } from "../core/retention.js";
import type { RunStatus } from "../core/status.js";
import type { ArchivedRows, DeletedRows, FinishedRunRow, RetentionAction, RetentionStore } from "./retention-store.js";

export interface PruneRequest {
  policy: RetentionPolicy;
  now: number;
  /** What happens to the chosen runs (default "delete"). */
  action?: RetentionAction;
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
  /** Told after each run archived. */
  onArchived?: (runId: string, rows: ArchivedRows) => void;
}

export interface PruneReport {
  /** What the policy chose, oldest first. */
  chosen: FinishedRunRow[];
  deleted: string[];
  archived: string[];
  /** Chosen but neither deleted nor archived: resumed or taken in the meantime. */
  skipped: string[];
  rows: DeletedRows;
  /** Hot rows folded into archives, and the archives' bytes. */
  archivedRows: ArchivedRows;
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
  const archiving = req.action === "archive";
  const chosen = runsToPrune(facts, req.policy, req.now)
    .map((id) => byId.get(id)!)
    .filter((r) => !(archiving && r.archived));
  const report: PruneReport = {
    chosen,
    deleted: [],
    archived: [],
    skipped: [],
    rows: { runs: 0, taskRuns: 0, attempts: 0, eventPages: 0, checkpoints: 0 },
    archivedRows: { taskRuns: 0, attempts: 0, eventPages: 0, checkpoints: 0, bytes: 0 },
  };
  if (req.dryRun) return report;
  const batch = chosen.slice(0, req.limit ?? chosen.length);
  for (const [i, { id }] of batch.entries()) {
    if (req.stillMine && !(await req.stillMine())) break;
    const started = performance.now();
    if (archiving) await archiveOne(store, req, report, id);
    else await deleteOne(store, req, report, id);
    if (i < batch.length - 1) await (req.pace ? wait((performance.now() - started) * req.pace) : nextTurn());
  }
  return report;
}

async function deleteOne(store: RetentionStore, req: PruneRequest, report: PruneReport, id: string): Promise<void> {
  const outcome = await store.deleteRun(id, req.owner, req.batch);
  if (outcome.kind === "deleted") {
    report.deleted.push(id);
    addUp(report.rows, outcome.rows);
    req.onDeleted?.(id, outcome.rows);
  } else if (outcome.kind !== "missing") report.skipped.push(id);
}

async function archiveOne(store: RetentionStore, req: PruneRequest, report: PruneReport, id: string): Promise<void> {
  const outcome = await store.archiveRun(id, req.owner);
  if (outcome.kind === "archived") {
    report.archived.push(id);
    addUp(report.archivedRows, outcome.rows);
    req.onArchived?.(id, outcome.rows);
  } else if (outcome.kind !== "missing" && outcome.kind !== "archived-already") report.skipped.push(id);
}

function addUp<T extends object>(total: T, more: T): void {
  for (const k of Object.keys(total) as (keyof T)[]) (total[k] as number) += more[k] as number;
}
