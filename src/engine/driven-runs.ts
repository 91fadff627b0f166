// The runs this process drives: each is leased, loaded and handed to a
// supervisor of its own, announced to the drive listeners, and forgotten (with
// its lease) once its supervisor is done.
import { InvalidTransitionError, StoreLockedError } from "../core/errors.js";
import type { RunStatus, TaskStatus } from "../core/status.js";
import type { DriveMode } from "./drive-mode.js";
import type { Executor } from "./executor.js";
import { LeaseKeeper } from "./lease-keeper.js";
import type { FreshRun } from "./new-run.js";
import { ownerLabel } from "../core/lease-owner.js";
import type { Clock, EventBus, Logger, ProcessLiveness } from "./ports.js";
import { RunSupervisor } from "./run-supervisor.js";
import { SharedCommits } from "./shared-commits.js";
import type { RunRecord, RunStore } from "./store.js";
import type { TaskLogs } from "./task-logs.js";
import type { Tracer } from "./tracing.js";

/**
 * Told when this engine begins driving a run (before anything of it is
 * dispatched); the function it returns, if any, runs once the engine stops
 * driving it, with the run's status then ("running" when interrupted).
 */
export type DriveListener = (run: RunRecord) => ((status: RunStatus) => void) | undefined;

export interface DriveInput {
  /** Unit statuses to drive from instead of the stored ones (a checkpoint's). */
  statuses?: TaskStatus[];
  /** The checkpoint those statuses come from. */
  checkpointId?: string;
  /** What startRun has in memory for the run it just wrote. */
  fresh?: FreshRun;
  /** The lease's owner, already proved gone: its lease is taken at once, without asking first. */
  from?: string;
  /** The starter's W3C traceparent: the run span becomes its child. */
  traceparent?: string;
  /**
   * The run's kept traceparent (tracing on), read by the caller: a takeover reads its runs'
   * together, so that its drives wait for nothing and their first commits go together
   * (commit-gate.ts). null: none is kept. Absent: the drive reads it itself.
   */
  keptTrace?: string | null;
  /** The store the run's supervisor writes through, when not the engine's (a takeover's CommitGate). */
  store?: RunStore;
}

export interface DrivenRunsDeps {
  store: RunStore;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  random: () => number;
  owner: string;
  leaseMs: number;
  outageBudgetMs: number;
  liveness: ProcessLiveness;
  requireRun: (runId: string) => Promise<RunRecord>;
  logs?: TaskLogs;
  tracer?: Tracer;
}

export class DrivenRuns {
  private readonly supervisors = new Map<string, RunSupervisor>();
  private readonly listeners = new Set<DriveListener>();
  private readonly leases: LeaseKeeper;
  /** The store door every supervisor commits through: commits of different runs share statements. */
  private readonly commits: SharedCommits;
  private closed = false;
  /**
   * Keeps the process alive while it drives a run. The engine's own timers do not (a retry's
   * backoff, a lease renewal), so that they never hold up a process that is done; but a run
   * waiting for its next retry, with no task process running, is not done.
   */
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DrivenRunsDeps) {
    this.commits = new SharedCommits(deps.store, deps.logger);
    this.leases = new LeaseKeeper(deps.store, deps.owner, deps.leaseMs, deps.logger, {
      ids: () => this.ids(),
      lost: async (runId) => this.supervisors.get(runId)?.stop(),
    });
  }

  get leaseMs(): number {
    return this.leases.leaseMs;
  }

  /** To be taken just before a statement that writes this process's lease on a new run is sent. */
  leaseStamp(): number {
    return this.leases.stamp();
  }

  get(runId: string): RunSupervisor | undefined {
    return this.supervisors.get(runId);
  }

  has(runId: string): boolean {
    return this.supervisors.has(runId);
  }

  ids(): string[] {
    return [...this.supervisors.keys()];
  }

  get size(): number {
    return this.supervisors.size;
  }

  /** Follows every run driven from now on; returns the unsubscribe. */
  onDrive(listener: DriveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Leases the run, loads it and registers a supervisor for it (not yet started).
   * A run just created passes what it already has in memory, its lease included,
   * instead of taking the lease again and reading the run back.
   */
  /** `executor`: the run's, or how to choose it from the run as read once its lease is held. */
  async drive(
    runId: string,
    mode: DriveMode,
    executor: Executor | ((run: RunRecord) => Executor),
    opts: DriveInput = {},
  ): Promise<RunSupervisor> {
    if (this.closed) throw new InvalidTransitionError("the engine", "stopped", "drive runs with");
    const fresh = opts.fresh;
    if (fresh) this.leases.written(runId, fresh.leaseSentAt);
    else if (!(await this.leases.acquire(runId, opts.from))) await this.takeFromGoneDriver(runId);
    // read only once the lease is held: nothing else writes the run from then on
    const [run, units] = await Promise.all([fresh?.run ?? this.deps.requireRun(runId), fresh?.units ?? this.deps.store.loadUnits(runId)]);
    const chosen = typeof executor === "function" ? await this.executorOf(run, executor) : executor;
    const keys = units.map((u) => u.memoKey);
    const memo = run.options.force ? new Map() : (fresh?.memo ?? (await this.deps.store.memoLookup(keys, run.options.memoMaxAgeMs)));
    const expectedMs = fresh ? fresh.expectedMs : this.expectedDurations(runId, keys);
    // a later drive of a run (a resume, a recovery) continues the trace its first drive began
    const kept =
      opts.keptTrace !== undefined
        ? (opts.keptTrace ?? undefined)
        : this.deps.tracer && mode !== "start" && opts.traceparent === undefined
          ? await this.keptTrace(runId)
          : undefined;
    const traceparent = opts.traceparent ?? kept;
    const statuses = opts.statuses;
    const checkpointId = opts.checkpointId;
    const sup = new RunSupervisor(
      {
        store: opts.store ?? this.commits.store,
        bus: this.deps.bus,
        clock: this.deps.clock,
        logger: this.deps.logger,
        owner: this.deps.owner,
        random: this.deps.random,
        leaseHeld: () => this.leases.holds(runId),
        outageBudgetMs: this.deps.outageBudgetMs,
        ...(this.deps.logs ? { logs: this.deps.logs } : {}),
        ...(this.deps.tracer ? { tracer: this.deps.tracer } : {}),
      },
      run,
      units,
      chosen,
      {
        mode,
        memo,
        expectedMs,
        ...(statuses ? { statuses } : {}),
        ...(checkpointId ? { checkpointId } : {}),
        ...(traceparent !== undefined ? { traceparent } : {}),
        ...(kept === undefined && this.deps.tracer ? { keepTrace: true } : {}),
      },
    );
    this.supervisors.set(runId, sup);
    this.keepAlive ??= setInterval(() => undefined, 1 << 30);
    const ended = [...this.listeners].map((l) => l(run));
    void sup.done.then((status) => {
      for (const end of ended) end?.(status);
      if (this.supervisors.get(runId) !== sup) return;
      this.supervisors.delete(runId);
      this.leases.forget(runId);
      if (this.supervisors.size === 0) this.letGo();
    });
    return sup;
  }

  /** The executor a run read under its lease names; one it cannot have lets the lease go at once. */
  private async executorOf(run: RunRecord, choose: (run: RunRecord) => Executor): Promise<Executor> {
    try {
      return choose(run);
    } catch (err) {
      await this.deps.store.releaseLease(run.id, this.deps.owner).catch(() => undefined);
      throw err;
    }
  }

  /**
   * The lease is someone else's: taken at once when its owner is a process of this host that
   * is provably gone, refused otherwise, saying who holds it and for how long at most.
   */
  private async takeFromGoneDriver(runId: string): Promise<void> {
    const run = await this.deps.requireRun(runId);
    const owner = run.leaseOwner;
    if (owner !== null && this.deps.liveness.isGone(owner)) {
      if (await this.leases.acquire(runId, owner)) {
        this.deps.logger.info({ runId, from: owner }, "took the run from a driver that is gone");
        return;
      }
    }
    const left = run.leaseExpiresAt !== null ? Math.max(1, Math.ceil((run.leaseExpiresAt - this.deps.clock.now()) / 1000)) : 0;
    throw new StoreLockedError(
      `run ${runId} is driven by another process (${owner === null ? "unknown" : ownerLabel(owner)}); ` +
        `if that process is gone, its lease expires in ${left} s and the run can be resumed then`,
    );
  }

  /** Stops driving every run (they stay resumable) and releases their leases. */
  async stop(): Promise<void> {
    this.closed = true;
    this.leases.stop();
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
    this.letGo();
  }

  private letGo(): void {
    clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  /** The run's kept traceparent; undefined when there is none or it cannot be read (the drive then begins a trace of its own). */
  private async keptTrace(runId: string): Promise<string | undefined> {
    try {
      return (await this.deps.store.traceParentsOf([runId])).get(runId);
    } catch (err) {
      this.deps.logger.warn({ runId, err: String(err) }, "the run's trace could not be read; this drive begins a new one");
      return undefined;
    }
  }

  /**
   * Earlier runs' durations only refine the ETA: the map fills in when the query
   * answers, so dispatching (a recovery's first task) does not wait for it.
   */
  private expectedDurations(runId: string, keys: string[]): Map<string, number> {
    const expected = new Map<string, number>();
    this.deps.store.historicalDurations(keys).then(
      (found) => {
        for (const [k, ms] of found) expected.set(k, ms);
      },
      (err: unknown) => this.deps.logger.warn({ runId, err: String(err) }, "earlier durations unavailable; the ETA goes without them"),
    );
    return expected;
  }
}
