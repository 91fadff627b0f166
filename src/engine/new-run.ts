// A new run: planned from its source, selection and the memo of earlier runs,
// then written together with the lease of the process that is to drive it. What
// was read and planned is kept in memory, so driving it reads nothing back.
import { randomUUID } from "node:crypto";
import { buildPlan, prepareGraph, type Plan } from "../core/plan.js";
import type { RunOptions } from "../core/run-options.js";
import { refuseNul } from "../core/text-guard.js";
import { refuseUnsyncable } from "../core/sync-guard.js";
import type { PlanUnit } from "../core/task.js";
import type { StartRunInput } from "./start-run.js";
import { newTaskState } from "./new-task-state.js";
import type { Clock } from "./ports.js";
import type { MemoEntry, RunRecord, RunStore, StoredUnit } from "./store.js";

/** What a run just written has in memory, for its supervisor. */
export interface FreshRun {
  /** As written, leased to this process. */
  run: RunRecord;
  /** When the statement that wrote the lease was sent (LeaseWindow's clock). */
  leaseSentAt: number;
  units: StoredUnit[];
  memo: Map<string, MemoEntry>;
  expectedMs: Map<string, number>;
}

export interface CreatedRun {
  runId: string;
  warnings: string[];
  fresh: FreshRun;
}

/** What a run's inputs plan to, read against the memo of earlier runs: shared by a run and its preview. */
export interface PlannedRun {
  plan: Plan;
  /** Cached successes of earlier runs for this plan's graph (within memoMaxAgeMs). */
  memo: Map<string, MemoEntry>;
  /** Mean durations of earlier runs, by memo key: only feeds the ETA. */
  expectedMs: Map<string, number>;
}

/** Plans a run as it would start now, reading the store and writing nothing. */
export async function planNewRun(store: RunStore, input: StartRunInput, options: RunOptions): Promise<PlannedRun> {
  // every start and preview passes here (CLI, API, library): nothing with a NUL reaches the store
  refuseNul(input.source.tasks, "tasks");
  refuseNul({ selection: input.selection, tag: input.source.tag }, "");
  refuseNul(options, "options");
  refuseUnsyncable(input.source, options);
  const prepared = prepareGraph(input.source, {
    expandSubtasks: options.expandSubtasks,
    ...(options.command !== undefined ? { command: options.command } : {}),
  });
  // durations come with the memo entries: their commits sum them (also for entries too old to use)
  const { memo, durations: expectedMs } = await store.memoAndDurations(prepared.keys, options.memoMaxAgeMs);
  const plan = buildPlan(
    input.source,
    {
      ...(input.selection ? { selection: input.selection } : {}),
      expandSubtasks: options.expandSubtasks,
      withDependencies: options.withDependencies,
      includeDone: options.includeDone,
      ...(options.command !== undefined ? { command: options.command } : {}),
      completedMemoKeys: new Set(memo.keys()),
    },
    prepared,
  );
  return { plan, memo, expectedMs };
}

/** Plans the run and writes it, leased to `owner`. */
export async function createNewRun(
  deps: { store: RunStore; clock: Clock; preflight?: (units: readonly PlanUnit[]) => void },
  input: StartRunInput,
  options: RunOptions,
  lease: { owner: string; leaseMs: number; stamp: () => number },
): Promise<CreatedRun> {
  const { plan, memo: completed, expectedMs } = await planNewRun(deps.store, input, options);
  deps.preflight?.(plan.units);
  const runId = randomUUID();
  const warnings = [...input.source.warnings, ...plan.warnings];
  const leaseSentAt = lease.stamp();
  const run = await deps.store.createRun(
    {
      id: runId,
      options,
      source: {
        origin: input.source.origin,
        format: input.source.format,
        ...(input.source.tag !== undefined ? { tag: input.source.tag } : {}),
        ...(input.selectionText !== undefined ? { selection: input.selectionText } : {}),
        warnings,
      },
      units: plan.units,
      createdAt: deps.clock.now(),
    },
    lease.owner,
    lease.leaseMs,
  );
  const units = plan.units.map((u) => ({ ...u, state: newTaskState(u) }));
  return { runId, warnings, fresh: { run, leaseSentAt, units, memo: completed, expectedMs } };
}
