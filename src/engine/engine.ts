// The engine: the one entry point for starting and steering runs. It plans,
// persists, and hands each run to a supervisor; it holds the leases of the runs
// it drives, takes over runs whose driver died, and stops cleanly.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import {
  CheckpointNotFoundError,
  InvalidOptionError,
  InvalidTransitionError,
  RunNotFoundError,
  StoreLockedError,
  TaskNotFoundError,
} from "../core/errors.js";
import { buildPlan, prepareGraph } from "../core/plan.js";
import type { Progress } from "../core/progress.js";
import { parseRunOptions, type RunOptions, type RunOptionsInput } from "../core/run-options.js";
import { canRunMove, isRunSettled, type RunStatus, type TaskStatus } from "../core/status.js";
import type { PlanUnit, TaskSource } from "../core/task.js";
import type { Executor } from "./executor.js";
import { silentLogger, systemClock, type Clock, type EventBus, type Logger } from "./ports.js";
import { runProgress } from "./run-progress.js";
import type { DriveMode } from "./drive-mode.js";
import { LeaseKeeper } from "./lease-keeper.js";
import { Steering, type Command, type Steered } from "./steering.js";
import { RunSupervisor } from "./run-supervisor.js";
import type { MemoEntry, RunRecord, RunStore, StoredUnit, TaskState } from "./store.js";
import { expandRuns } from "../core/run-lengths.js";

/** Builds the executor for a run from its options (command template, cwd, ...). */
export type ExecutorFactory = (options: RunOptions) => Executor;

/**
 * Told when this engine begins driving a run (before anything of it is
 * dispatched); the function it returns, if any, runs once the engine stops
 * driving it, with the run's status then ("running" when interrupted).
 */
export type DriveListener = (run: RunRecord) => ((status: RunStatus) => void) | undefined;

export interface EngineDeps {
  store: RunStore;
  bus: EventBus;
  executors: Record<string, ExecutorFactory>;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  /** This process's identity in leases. */
  owner?: string;
  leaseMs?: number;
}

export interface StartRunInput {
  source: TaskSource;
  /** Canonical ids; undefined runs every task. */
  selection?: string[];
  /** The selection as the user wrote it, kept with the run. */
  selectionText?: string;
  options?: RunOptionsInput;
}

export interface StartedRun {
  runId: string;
  total: number;
  warnings: string[];
}

interface DriveInput {
  /** Unit statuses to drive from instead of the stored ones (a checkpoint's). */
  statuses?: TaskStatus[];
  /** What startRun has in memory for the run it just wrote. */
  fresh?: { units: StoredUnit[]; memo: Map<string, MemoEntry>; expectedMs: Promise<Map<string, number>> };
}

/** The row insertUnits writes for a planned unit, as the supervisor reads it. */
function newUnitState(u: PlanUnit): TaskState {
  return {
    index: u.index,
    status: u.initial?.status ?? "pending",
    attempts: 0,
    memoized: false,
    blockedBy: null,
    error: u.initial?.reason ?? null,
    result: undefined,
    progress: null,
    startedAt: null,
    finishedAt: null,
  };
}

export class Engine {
  private readonly supervisors = new Map<string, RunSupervisor>();
  private readonly driveListeners = new Set<DriveListener>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  readonly owner: string;
  private readonly leases: LeaseKeeper;
  private closed = false;
  private readonly steering: Steering;

  constructor(private readonly deps: EngineDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.owner = deps.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leases = new LeaseKeeper(deps.store, this.owner, deps.leaseMs ?? 15_000, this.logger, {
      ids: () => [...this.supervisors.keys()],
      lost: async (runId) => this.supervisors.get(runId)?.stop(),
    });
    this.steering = new Steering(this, { bus: deps.bus, store: deps.store, logger: this.logger });
  }

  get store(): RunStore {
    return this.deps.store;
  }

  get bus(): EventBus {
    return this.deps.bus;
  }

  /** Applies a command here or relays it to the process that drives the run (see Steering). */
  steer(runId: string, command: Command, waitMs?: number): Promise<Steered> {
    return this.steering.steer(runId, command, waitMs);
  }

  /** Whether another live process holds the run's lease. */
  drivenElsewhere(runId: string): Promise<boolean> {
    return this.steering.drivenElsewhere(runId);
  }

  /** Follows every run this engine drives from now on; returns the unsubscribe. */
  onDrive(listener: DriveListener): () => void {
    this.driveListeners.add(listener);
    return () => this.driveListeners.delete(listener);
  }

  async startRun(input: StartRunInput): Promise<StartedRun> {
    const options = parseRunOptions(input.options);
    const executor = this.executorFor(options);
    const prepared = prepareGraph(input.source, {
      expandSubtasks: options.expandSubtasks,
      ...(options.command !== undefined ? { command: options.command } : {}),
    });
    const completed = await this.deps.store.memoLookup(prepared.keys, options.memoMaxAgeMs);
    const plan = buildPlan(input.source, {
      ...(input.selection ? { selection: input.selection } : {}),
      expandSubtasks: options.expandSubtasks,
      withDependencies: options.withDependencies,
      includeDone: options.includeDone,
      ...(options.command !== undefined ? { command: options.command } : {}),
      completedMemoKeys: new Set(completed.keys()),
    }, prepared);
    const runId = randomUUID();
    const warnings = [...input.source.warnings, ...plan.warnings];
    // only feeds the ETA: asked for while the run is being written
    const expectedMs = this.deps.store.historicalDurations(plan.units.map((u) => u.memoKey));
    await this.deps.store.createRun(
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
        createdAt: this.clock.now(),
      },
      this.owner,
      this.leases.leaseMs,
    );
    const units = plan.units.map((u) => ({ ...u, state: newUnitState(u) }));
    const sup = await this.drive(runId, "start", executor, { fresh: { units, memo: completed, expectedMs } });
    sup.start();
    return { runId, total: plan.units.length, warnings };
  }

  /** Continues a settled, paused or interrupted run; optionally from one of its checkpoints. */
  async resumeRun(runId: string, opts: { checkpointId?: string } = {}): Promise<void> {
    const live = this.supervisors.get(runId);
    if (live) {
      if (live.runStatus !== "paused") throw new InvalidTransitionError(`run ${runId}`, live.runStatus, "resume");
      live.unpause();
      return;
    }
    const run = await this.requireRun(runId);
    if (run.status !== "running" && !canRunMove(run.status, "running")) {
      throw new InvalidTransitionError(`run ${runId}`, run.status, "resume");
    }
    let statuses;
    if (opts.checkpointId) {
      const cp = await this.deps.store.getCheckpoint(opts.checkpointId);
      if (!cp || cp.runId !== runId) throw new CheckpointNotFoundError(runId, opts.checkpointId);
      statuses = expandRuns(cp.snapshot.statuses);
    }
    const sup = await this.drive(runId, "resume", this.executorFor(run.options), statuses ? { statuses } : {});
    sup.start();
  }

  async pauseRun(runId: string): Promise<void> {
    const live = this.supervisors.get(runId);
    if (live && live.runStatus === "running") return live.pause();
    const run = await this.requireRun(runId);
    throw new InvalidTransitionError(`run ${runId}`, run.status, "pause");
  }

  async cancelRun(runId: string, reason?: string): Promise<void> {
    const live = this.supervisors.get(runId) ?? (await this.idleSupervisor(runId, "cancel"));
    live.cancel(reason);
  }

  /** Runs a failed (or cancelled) task again, with the dependents its failure skipped. */
  async retryTask(runId: string, taskId: string): Promise<void> {
    const { sup, index } = await this.forTask(runId, taskId, ["failed", "cancelled"], "retry");
    sup.retryTask(index);
    if (!sup.isStarted) sup.start();
  }

  /** Declares a failed task done or skipped so that its dependents go on. */
  async markTask(runId: string, taskId: string, status: "succeeded" | "skipped"): Promise<void> {
    const { sup, index } = await this.forTask(runId, taskId, ["failed"], `mark ${status}`);
    sup.settleTask(index, status);
    if (!sup.isStarted) sup.start();
  }

  async checkpointRun(runId: string): Promise<string> {
    const live = this.supervisors.get(runId) ?? (await this.idleSupervisor(runId, "checkpoint"));
    const id = await live.checkpoint();
    await this.releaseIfIdle(live);
    return id;
  }

  /** Progress of a run this engine drives right now, synchronously; undefined otherwise. */
  liveProgress(runId: string): Progress | undefined {
    return this.supervisors.get(runId)?.progress();
  }

  /** Live progress when this engine drives the run, else computed from the stored rows. */
  async progress(runId: string, opts: { perTask?: boolean } = {}): Promise<Progress> {
    const live = this.supervisors.get(runId);
    if (live) return live.progress(opts);
    const run = await this.requireRun(runId);
    const units = await this.deps.store.loadUnits(runId);
    const expected = await this.deps.store.historicalDurations(units.map((u) => u.memoKey));
    return runProgress({
      now: this.clock.now(),
      startedAt: run.startedAt,
      maxParallel: run.options.maxParallel,
      perTask: opts.perTask ?? false,
      expectedMs: expected,
      size: units.length,
      unit: (i) => ({ ...units[i]!, ...units[i]!.state }),
    });
  }

  /** Resolves with the run's record once this engine stops driving it. */
  async waitForRun(runId: string): Promise<RunRecord> {
    await this.supervisors.get(runId)?.done;
    return this.requireRun(runId);
  }

  /** The committed record of a run this engine drives, from memory; undefined for any other run. */
  committedRun(runId: string): RunRecord | undefined {
    return this.supervisors.get(runId)?.committedRun;
  }

  isActive(runId: string): boolean {
    return this.supervisors.has(runId);
  }

  /** Takes over every run left running whose driver is gone; returns their ids. */
  async recoverOrphans(): Promise<string[]> {
    const taken: string[] = [];
    for (const id of await this.deps.store.findOrphans()) {
      if (this.supervisors.has(id)) continue;
      const run = await this.deps.store.getRun(id);
      if (!run) continue;
      try {
        const sup = await this.drive(id, "recover", this.executorFor(run.options));
        sup.start();
        taken.push(id);
        this.logger.info({ runId: id }, "run recovered");
      } catch (err) {
        if (!(err instanceof StoreLockedError)) throw err;
      }
    }
    return taken;
  }

  /** Stops driving every run (they stay resumable) and releases their leases. */
  async stop(): Promise<void> {
    this.closed = true;
    this.steering.close();
    this.leases.stop();
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
  }

  // ---- internals -------------------------------------------------------------------------

  private executorFor(options: RunOptions): Executor {
    const make = this.deps.executors[options.executor];
    if (!make) {
      const known = Object.keys(this.deps.executors).join(", ");
      throw new InvalidOptionError("executor", `unknown executor "${options.executor}" (configured: ${known})`);
    }
    return make(options);
  }

  private async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }

  /**
   * Leases the run, loads it and registers a supervisor for it (not yet started).
   * A run just created passes what it already has in memory instead of reading it back.
   */
  private async drive(runId: string, mode: DriveMode, executor: Executor, opts: DriveInput = {}) {
    if (this.closed) throw new InvalidTransitionError("the engine", "stopped", "drive runs with");
    if (!(await this.leases.acquire(runId))) {
      const run = await this.requireRun(runId);
      throw new StoreLockedError(`run ${runId} is driven by another process (${run.leaseOwner})`);
    }
    const [run, units] = await Promise.all([
      this.requireRun(runId),
      opts.fresh?.units ?? this.deps.store.loadUnits(runId),
    ]);
    const keys = units.map((u) => u.memoKey);
    const memo = run.options.force ? new Map() : (opts.fresh?.memo ?? (await this.deps.store.memoLookup(keys, run.options.memoMaxAgeMs)));
    const expectedMs = opts.fresh ? await opts.fresh.expectedMs : this.expectedDurations(runId, keys);
    const statuses = opts.statuses;
    const sup = new RunSupervisor(
      {
        store: this.deps.store,
        bus: this.deps.bus,
        clock: this.clock,
        logger: this.logger,
        owner: this.owner,
        random: this.deps.random ?? Math.random,
        leaseHeld: () => this.leases.holds(runId),
      },
      run,
      units,
      executor,
      { mode, memo, expectedMs, ...(statuses ? { statuses } : {}) },
    );
    this.supervisors.set(runId, sup);
    const ended = [...this.driveListeners].map((l) => l(run));
    void sup.done.then((status) => {
      for (const end of ended) end?.(status);
      if (this.supervisors.get(runId) !== sup) return;
      this.supervisors.delete(runId);
      this.leases.forget(runId);
    });
    return sup;
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
      (err: unknown) => this.logger.warn({ runId, err: String(err) }, "earlier durations unavailable; the ETA goes without them"),
    );
    return expected;
  }

  /** A supervisor for a run nobody drives, to act on it without dispatching. */
  private async idleSupervisor(runId: string, action: string): Promise<RunSupervisor> {
    const run = await this.requireRun(runId);
    if (action === "cancel" && isRunSettled(run.status)) throw new InvalidTransitionError(`run ${runId}`, run.status, action);
    return this.drive(runId, "amend", this.executorFor(run.options));
  }

  private async forTask(runId: string, taskId: string, allowed: TaskStatus[], action: string) {
    const sup = this.supervisors.get(runId) ?? (await this.idleSupervisor(runId, action));
    const index = sup.indexOf(taskId);
    if (index === undefined) {
      await this.releaseIfIdle(sup);
      throw new TaskNotFoundError(runId, taskId);
    }
    const status = sup.taskStatus(index);
    if (!allowed.includes(status)) {
      await this.releaseIfIdle(sup);
      throw new InvalidTransitionError(`task ${taskId}`, status, action);
    }
    return { sup, index };
  }

  private async releaseIfIdle(sup: RunSupervisor): Promise<void> {
    if (!sup.isStarted) await sup.stop();
  }
}
