// The batched takeover of orphaned runs (recoverOrphans): instead of a lease, a read
// of the run, its units and its history per run, a few hundred runs at a time are
// leased in one statement that returns their rows, their units are read in one
// statement per few thousand units, the memo and earlier durations of all their
// units in one query each, and their first commits are written together (CommitGate).
// A run another process took meanwhile, or that finished, is not in the lease
// statement's answer and is left alone.
import { RunNotFoundError, StoreLockedError } from "../core/errors.js";
import { CommitGate } from "./commit-gate.js";
import type { DriveInput } from "./driven-runs.js";
import type { Executor } from "./executor.js";
import type { FreshRun } from "./new-run.js";
import type { Logger } from "./ports.js";
import type { RunSupervisor } from "./run-supervisor.js";
import type { MemoEntry, OrphanClaim, RunRecord, RunStore, StoredUnit } from "./store.js";

/**
 * Runs leased per statement. Their supervisors start together, so this also bounds the burst of
 * dispatches and the size of the gathered first commit; on PostgreSQL, 500 runs of one task each
 * take about as long to lease, read and commit as 20 runs did one statement per step.
 */
const RUNS_PER_TAKE = 500;

/** Units read per statement, about: a chunk's runs are read in groups of this many units (one big run alone). */
const UNITS_PER_READ = 20_000;

export interface TakeoverDeps {
  store: RunStore;
  owner: string;
  leaseMs: number;
  logger: Logger;
  /** The lease window's clock, read just before a statement that takes leases is sent. */
  stamp: () => number;
  /** Whether this process drives the run already. */
  driving: (runId: string) => boolean;
  /** Begins driving a run in drive mode "recover", with what the takeover read for it. */
  drive: (runId: string, executor: (run: RunRecord) => Executor, opts: DriveInput) => Promise<RunSupervisor>;
  executorFor: (run: RunRecord) => Executor;
  /** With tracing on: the runs' kept traceparents, read once per chunk (see DriveInput.keptTrace). */
  traceParents?: (runIds: readonly string[]) => Promise<Map<string, string>>;
}

/**
 * Takes over the claimed runs; returns the ids of those now driven here. Resolves once every
 * one taken has started; rejects, after driving the others, with the first error that is not
 * "taken by someone else" or "deleted" (a run naming an executor this process lacks).
 */
export async function takeOverOrphans(deps: TakeoverDeps, claims: readonly OrphanClaim[]): Promise<string[]> {
  const taken: string[] = [];
  const failures: unknown[] = [];
  const todo = [...new Map(claims.map((c) => [c.runId, c])).values()].filter((c) => !deps.driving(c.runId));
  const chunks: OrphanClaim[][] = [];
  for (let i = 0; i < todo.length; i += RUNS_PER_TAKE) chunks.push(todo.slice(i, i + RUNS_PER_TAKE));
  // the next chunk is leased and read while this one's supervisors start and commit
  let next = chunks.length > 0 ? takeAndRead(deps, chunks[0]!) : undefined;
  for (let k = 0; next; k++) {
    const chunk = await next;
    next = k + 1 < chunks.length ? takeAndRead(deps, chunks[k + 1]!) : undefined;
    await driveChunk(deps, chunk, taken, failures);
  }
  if (failures.length > 0) throw failures[0];
  return taken;
}

interface TakenChunk {
  sentAt: number;
  runs: RunRecord[];
  units: Map<string, StoredUnit[]>;
  memo: Map<number | undefined, Map<string, MemoEntry>>;
  /** The runs' kept traceparents, with tracing on. */
  traces: Map<string, string> | undefined;
}

/** Leases a chunk's runs and reads what driving them needs; on a failure, lets their leases go again. */
async function takeAndRead(deps: TakeoverDeps, claims: readonly OrphanClaim[]): Promise<TakenChunk> {
  const sentAt = deps.stamp();
  const runs = await deps.store.takeOrphans(claims, deps.owner, deps.leaseMs);
  try {
    const [units, traces] = await Promise.all([readUnits(deps.store, runs), deps.traceParents?.(runs.map((r) => r.id))]);
    return { sentAt, runs, units, memo: await memoOf(deps.store, runs, units), traces };
  } catch (err) {
    // nothing of these runs is driven yet: their leases go back at once, for whoever looks next
    await Promise.all(runs.map((r) => deps.store.releaseLease(r.id, deps.owner).catch(() => undefined)));
    throw err;
  }
}

/** Starts a supervisor for each run of the chunk, their first commits gathered into one. */
async function driveChunk(
  deps: TakeoverDeps,
  { sentAt, runs, units, memo, traces }: TakenChunk,
  taken: string[],
  failures: unknown[],
): Promise<void> {
  const expectedMs = expectedDurations(deps, runs, units);
  // a run taken alone commits as any run does
  const store = runs.length > 1 ? new CommitGate(deps.store, deps.logger).store : undefined;
  await Promise.all(
    runs.map(async (run) => {
      const fresh: FreshRun = {
        run,
        leaseSentAt: sentAt,
        units: units.get(run.id)!,
        memo: memo.get(run.options.memoMaxAgeMs) ?? new Map(),
        expectedMs,
      };
      // driven here meanwhile (a resume on this process): the lease was ours already, and stays so
      if (deps.driving(run.id)) return;
      try {
        const sup = await deps.drive(run.id, deps.executorFor, {
          fresh,
          ...(store ? { store } : {}),
          ...(traces ? { keptTrace: traces.get(run.id) ?? null } : {}),
        });
        sup.start();
        taken.push(run.id);
        deps.logger.info({ runId: run.id }, "run recovered");
      } catch (err) {
        if (!deps.driving(run.id)) await deps.store.releaseLease(run.id, deps.owner).catch(() => undefined);
        if (!(err instanceof StoreLockedError) && !(err instanceof RunNotFoundError)) failures.push(err);
      }
    }),
  );
}

/** Each run's units, in groups of runs whose units add up to about UNITS_PER_READ. */
async function readUnits(store: RunStore, runs: readonly RunRecord[]): Promise<Map<string, StoredUnit[]>> {
  const groups: string[][] = [];
  let size = Infinity;
  for (const r of runs) {
    if (size + r.total > UNITS_PER_READ) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1]!.push(r.id);
    size += r.total;
  }
  const out = new Map<string, StoredUnit[]>();
  for (const ids of groups) for (const [id, us] of await store.loadUnitsOf(ids)) out.set(id, us);
  return out;
}

/** Cached results for the units of the runs that use the memo, one look-up per memo age they ask for. */
async function memoOf(
  store: RunStore,
  runs: readonly RunRecord[],
  units: Map<string, StoredUnit[]>,
): Promise<Map<number | undefined, Map<string, MemoEntry>>> {
  const keys = new Map<number | undefined, Set<string>>();
  for (const r of runs) {
    if (r.options.force) continue;
    const set = keys.get(r.options.memoMaxAgeMs) ?? new Set<string>();
    for (const u of units.get(r.id)!) set.add(u.memoKey);
    keys.set(r.options.memoMaxAgeMs, set);
  }
  const out = new Map<number | undefined, Map<string, MemoEntry>>();
  for (const [age, set] of keys) out.set(age, await store.memoLookup([...set], age));
  return out;
}

/**
 * Earlier runs' durations, for every run of the chunk in one query: they only refine the ETA,
 * so the map fills in when it answers and nothing waits for it (as a single run's drive does).
 */
function expectedDurations(deps: TakeoverDeps, runs: readonly RunRecord[], units: Map<string, StoredUnit[]>): Map<string, number> {
  const expected = new Map<string, number>();
  const keys = new Set<string>();
  for (const r of runs) for (const u of units.get(r.id)!) keys.add(u.memoKey);
  if (keys.size === 0) return expected;
  deps.store.historicalDurations([...keys]).then(
    (found) => {
      for (const [k, ms] of found) expected.set(k, ms);
    },
    (err: unknown) => deps.logger.warn({ err: String(err) }, "earlier durations unavailable; the ETA goes without them"),
  );
  return expected;
}
