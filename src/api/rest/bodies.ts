// The JSON REST answers with, one shape per name across bodies: `counts` holds
// how many tasks are in each status (so `counts.running` is a number everywhere),
// `running_tasks` lists them, times are ISO 8601 strings and durations `_ms`
// numbers, except the ETA, in seconds like GraphQL's `etaSeconds`.
import type { Progress } from "../../core/progress.js";
import type { RunState } from "../../core/run-state.js";
import { TASK_STATUSES, type TaskStatus } from "../../core/status.js";
import type { RunRecord, StoredUnit } from "../../engine/store.js";
import { snakeKeys } from "./snake.js";

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function progressBody(runId: string, status: RunState, p: Progress) {
  return {
    workflow_id: runId,
    status,
    total: p.total,
    settled: p.settled,
    percent: p.percent,
    counts: p.counts,
    memoized: p.memoized,
    running_tasks: p.running.map((r) => ({ task_id: r.id, elapsed_ms: r.elapsedMs })),
    throughput_per_sec: p.throughputPerSec,
    eta_seconds: p.etaMs === null ? null : p.etaMs / 1000,
    eta_at: iso(p.etaAt),
  };
}

export function stateBody(run: RunRecord, status: RunState, units: StoredUnit[]) {
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const u of units) counts[u.state.status]++;
  return {
    workflow_id: run.id,
    status,
    reason: run.reason,
    total: units.length,
    counts,
    memoized: units.filter((u) => u.state.memoized).length,
    options: snakeKeys(run.options),
    source: {
      origin: run.source.origin,
      format: run.source.format,
      tag: run.source.tag ?? null,
      selection: run.source.selection ?? null,
      warnings: run.source.warnings,
    },
    driver: run.leaseOwner,
    created_at: iso(run.createdAt),
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt),
    updated_at: iso(run.updatedAt),
    archived_at: iso(run.archivedAt ?? null),
    tasks: units.map((u) => ({
      id: u.id,
      title: u.title,
      status: u.state.status,
      attempts: u.state.attempts,
      memoized: u.state.memoized,
      error: u.state.error,
      result: u.state.result ?? null,
      started_at: iso(u.state.startedAt),
      finished_at: iso(u.state.finishedAt),
    })),
  };
}

export const statusBody = (runId: string, status: RunState) => ({ workflow_id: runId, status });
