// The engine: the one entry point for starting and steering runs. It creates
// runs (new-run.ts) and drives them (DrivenRuns, which holds their leases), applies
// commands to them, takes over runs whose driver died, and stops cleanly.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import {
  CheckpointNotFoundError,
  InvalidOptionError,
  InvalidTransitionError,
  RunNotFoundError,
  StoreOutageError,
  TaskNotFoundError,
} from "../core/errors.js";
import type { RunPreview } from "../core/preview.js";
import type { Progress } from "../core/progress.js";
import { parseRunOptions, type RunOptions } from "../core/run-options.js";
import { expandRuns } from "../core/run-lengths.js";
import { canRunMove, isRunSettled, type TaskStatus } from "../core/status.js";
import { DrivenRuns, type DriveListener } from "./driven-runs.js";
import type { Executor } from "./executor.js";
import { createNewRun } from "./new-run.js";
import { OrphanWatch } from "./orphan-watch.js";
import { takeOverOrphans } from "./orphan-takeover.js";
import { formatOwner } from "../core/lease-owner.js";
import { runState, type RunState } from "../core/run-state.js";
import { busNotice } from "./bus-notices.js";
import { topics } from "./topics.js";
import { noLiveness, silentLogger, systemClock, type Clock, type EventBus, type Logger, type ProcessLiveness } from "./ports.js";
import { runProgress } from "./run-progress.js";
import { previewNewRun } from "./run-preview.js";
import type { RunSupervisor } from "./run-supervisor.js";
import { Steering, type Command, type Steerable, type Steered } from "./steering.js";
import type { OrphanClaim, RunRecord, RunStore } from "./store.js";
import { TaskLogs, type TaskLogOptions } from "./task-logs.js";
import type { Tracer } from "./tracing.js";
export type { DriveListener } from "./driven-runs.js";
export type { StartRunInput, StartedRun } from "./start-run.js";
import type { StartRunInput, StartedRun } from "./start-run.js";

/** Builds the executor for a run from its options (command template, cwd, ...). */
export type ExecutorFactory = (options: RunOptions) => Executor;

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
  /** How long a run rides through a database outage before it stops, resumable (default 60 s). */
  outageBudgetMs?: number;
  /** Proves lease owners gone (src/runtime/process-liveness.ts); default: never, leases expire. */
  liveness?: ProcessLiveness;
  /** Traces runs (src/engine/tracing.ts); absent, nothing is traced. */
  tracer?: Tracer;
  /** Live task logs' limits and timings (task-logs.ts); defaults otherwise. */
  taskLogs?: TaskLogOptions;
}

/** A run left running whose lease has not expired and whose driver is not provably gone. */
export interface SilentRun {
  runId: string;
  owner: string;
  expiresInMs: number;
}

export class Engine implements Steerable {
  private readonly clock: Clock;
  private readonly logger: Logger;
  readonly owner: string;
  private readonly liveness: ProcessLiveness;
  private readonly driven: DrivenRuns;
  private readonly steering: Steering;
  private readonly orphans: OrphanWatch;
  /** The live output of the attempts this process runs (see task-logs.ts). */
  readonly taskLogs: TaskLogs;

  constructor(private readonly deps: EngineDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.liveness = deps.liveness ?? noLiveness;
    const suffix = randomUUID().slice(0, 8);
    const self = this.liveness.self;
    // with the host's boot and the process's start time where known, so that others can prove it gone
    this.owner = deps.owner ?? (self ? formatOwner(self, suffix) : `${hostname()}:${process.pid}:${suffix}`);
    this.taskLogs = new TaskLogs(deps.bus, this.clock, deps.taskLogs);
    this.driven = new DrivenRuns({
      logs: this.taskLogs,
      store: deps.store,
      bus: deps.bus,
      clock: this.clock,
      logger: this.logger,
      random: deps.random ?? Math.random,
      owner: this.owner,
      leaseMs: deps.leaseMs ?? 15_000,
      outageBudgetMs: deps.outageBudgetMs ?? 60_000,
      liveness: this.liveness,
      requireRun: (runId) => this.requireRun(runId),
      ...(deps.tracer ? { tracer: deps.tracer } : {}),
    });
    this.steering = new Steering(this, { bus: deps.bus, store: deps.store, logger: this.logger });
    // every half lease: a dead driver's runs are taken over within 1.5 leases of its last renewal
    this.orphans = new OrphanWatch({ bus: deps.bus, logger: this.logger, recover: () => this.recoverOrphans() }, this.driven.leaseMs / 2);
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
    return this.driven.onDrive(listener);
  }

  async startRun(input: StartRunInput): Promise<StartedRun> {
    const options = parseRunOptions(input.options);
    const executor = this.executorFor(options);
    const { runId, warnings, fresh } = await createNewRun(
      { store: this.deps.store, clock: this.clock, preflight: (units) => executor.preflight?.(units) },
      input,
      options,
      {
        owner: this.owner,
        leaseMs: this.driven.leaseMs,
        stamp: () => this.driven.leaseStamp(),
      },
    );
    const sup = await this.driven.drive(runId, "start", executor, {
      fresh,
      ...(input.traceparent !== undefined ? { traceparent: input.traceparent } : {}),
    });
    sup.start();
    return { runId, total: fresh.units.length, warnings };
  }

  /** What startRun would do with this input, with the same refusals, recording nothing. */
  async previewRun(input: StartRunInput): Promise<RunPreview> {
    const options = parseRunOptions(input.options);
    this.executorFor(options);
    return previewNewRun(this.deps.store, input, options);
  }

  /** Continues a settled, paused or interrupted run; optionally from one of its checkpoints. */
  async resumeRun(runId: string, opts: { checkpointId?: string } = {}): Promise<void> {
    const live = await this.commandable(runId);
    if (live) {
      if (live.runStatus !== "paused") throw new InvalidTransitionError(`run ${runId}`, live.runStatus, "resume");
      if (!opts.checkpointId) return live.unpause();
      // back to a checkpoint: its statuses replace the live ones, so the run is let go and driven again from them
      await this.checkpointStatuses(runId, opts.checkpointId);
      await live.stop();
    }
    const run = await this.requireRun(runId);
    refuseArchived(run, "resume");
    if (run.status !== "running" && !canRunMove(run.status, "running")) {
      throw new InvalidTransitionError(`run ${runId}`, run.status, "resume");
    }
    const statuses = opts.checkpointId ? await this.checkpointStatuses(runId, opts.checkpointId) : undefined;
    const sup = await this.driven.drive(
      runId,
      "resume",
      this.executorFor(run.options),
      statuses ? { statuses, checkpointId: opts.checkpointId! } : {},
    );
    sup.start();
  }

  async pauseRun(runId: string): Promise<void> {
    const live = await this.commandable(runId);
    if (live && live.runStatus === "running") return live.pause();
    const run = await this.requireRun(runId);
    throw new InvalidTransitionError(`run ${runId}`, run.status, "pause");
  }

  async cancelRun(runId: string, reason?: string): Promise<void> {
    const live = (await this.commandable(runId)) ?? (await this.idleSupervisor(runId, "cancel"));
    live.cancel(reason);
  }

  /** Runs a failed (or cancelled) task again, with the dependents its failure skipped. */
  async retryTask(runId: string, taskId: string): Promise<void> {
    const { sup, index } = await this.forTask(runId, taskId, ["failed", "cancelled"], "retry");
    if (!sup.isStarted) sup.open();
    sup.retryTask(index);
  }

  /** Declares a failed task done or skipped so that its dependents go on. */
  async markTask(runId: string, taskId: string, status: "succeeded" | "skipped"): Promise<void> {
    const { sup, index } = await this.forTask(runId, taskId, ["failed"], `mark ${status}`);
    if (!sup.isStarted) sup.open();
    sup.settleTask(index, status);
  }

  async checkpointRun(runId: string): Promise<string> {
    const live = (await this.commandable(runId)) ?? (await this.idleSupervisor(runId, "checkpoint"));
    const id = await live.checkpoint();
    await this.releaseIfIdle(live);
    return id;
  }

  /** Progress of a run this engine drives right now, synchronously; undefined otherwise. */
  liveProgress(runId: string): Progress | undefined {
    return this.driven.get(runId)?.progress();
  }

  /** Live progress when this engine drives the run, else computed from the stored rows. */
  async progress(runId: string, opts: { perTask?: boolean } = {}): Promise<Progress> {
    const live = this.driven.get(runId);
    if (live) return live.progress(opts);
    const run = await this.requireRun(runId);
    const units = await this.deps.store.loadUnits(runId);
    const expected = await this.deps.store.historicalDurations(units.map((u) => u.memoKey));
    // interrupted: nothing runs; what was running runs again on resume, and no time to the end can be told
    const interrupted = this.runState(run) === "interrupted";
    const progress = runProgress({
      now: this.clock.now(),
      startedAt: run.startedAt,
      maxParallel: run.options.maxParallel,
      perTask: opts.perTask ?? false,
      expectedMs: expected,
      size: units.length,
      unit: (i) => {
        const u = { ...units[i]!, ...units[i]!.state, group: units[i]!.kind === "group" };
        return interrupted && u.status === "running" ? { ...u, status: "pending" as const, startedAt: null } : u;
      },
    });
    return interrupted ? { ...progress, etaMs: null } : progress;
  }

  /**
   * Resolves with the run's record once this engine stops driving it; rejects with
   * StoreOutageError when it stopped because the database stayed away too long.
   */
  async waitForRun(runId: string): Promise<RunRecord> {
    const sup = this.driven.get(runId);
    await sup?.done;
    if (sup?.failure instanceof StoreOutageError) throw sup.failure;
    return this.requireRun(runId);
  }

  /**
   * What a run is now, as users should see it: "interrupted" for a run left running or
   * pending whose driver is gone (its lease expired, or its process provably gone).
   */
  runState(run: RunRecord): RunState {
    // driven here: the record's own status (a committed record stays consistent with its events)
    if (this.driven.has(run.id)) return run.status;
    return runState(run, this.clock.now(), run.leaseOwner !== null && this.liveness.isGone(run.leaseOwner));
  }

  /** Whether the process that holds this lease is provably gone. */
  isDriverGone(owner: string): boolean {
    return this.liveness.isGone(owner);
  }

  /** Runs left running whose driver is silent or elsewhere: not taken until their lease expires. */
  async silentRuns(): Promise<SilentRun[]> {
    const leased = await this.deps.store.leasedRuns();
    return leased
      .filter((r) => !this.driven.has(r.id) && r.owner !== this.owner && !this.liveness.isGone(r.owner))
      .map((r) => ({ runId: r.id, owner: r.owner, expiresInMs: r.expiresInMs }));
  }

  /** The committed record of a run this engine drives, from memory; undefined for any other run. */
  committedRun(runId: string): RunRecord | undefined {
    return this.driven.get(runId)?.committedRun;
  }

  isActive(runId: string): boolean {
    return this.driven.has(runId);
  }

  /** Whether this engine drives any run now. */
  isDriving(): boolean {
    return this.driven.size > 0;
  }

  /**
   * From now on, takes over runs whose driver goes away: at once when another
   * process releases its leases, and within 1.5 leases when one dies.
   */
  followOrphans(): void {
    this.orphans.start();
  }

  /**
   * Takes over every run left running whose driver is gone (its lease expired, or its
   * process provably gone: taken at once); returns their ids.
   */
  async recoverOrphans(): Promise<string[]> {
    const [expired, leased] = await Promise.all([this.deps.store.findOrphans(), this.deps.store.leasedRuns()]);
    // the owner of each run whose driver is provably gone: its lease is taken from it directly
    const claims: OrphanClaim[] = expired.map((runId) => ({ runId }));
    for (const r of leased) if (r.owner !== this.owner && this.liveness.isGone(r.owner)) claims.push({ runId: r.id, from: r.owner });
    // leased, read and started a few hundred at a time (orphan-takeover.ts); each run is
    // read once its lease is held, and its executor chosen from that read
    return takeOverOrphans(
      {
        store: this.deps.store,
        owner: this.owner,
        leaseMs: this.driven.leaseMs,
        logger: this.logger,
        stamp: () => this.driven.leaseStamp(),
        driving: (runId) => this.driven.has(runId),
        drive: (runId, executor, opts) => this.driven.drive(runId, "recover", executor, opts),
        executorFor: (run) => this.executorFor(run.options),
        ...(this.deps.tracer ? { traceParents: (runIds: readonly string[]) => this.deps.store.traceParentsOf(runIds) } : {}),
      },
      claims,
    );
  }

  /** Stops driving every run (they stay resumable), releases their leases and says so to the other processes. */
  async stop(): Promise<void> {
    await this.orphans.stop();
    this.steering.close();
    const released = this.driven.ids();
    await this.driven.stop();
    this.taskLogs.close();
    this.deps.bus.publish(
      topics.leases,
      released.map((runId) => busNotice("lease.released", { owner: this.owner }, runId)),
    );
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

  private async checkpointStatuses(runId: string, checkpointId: string): Promise<TaskStatus[]> {
    const cp = await this.deps.store.getCheckpoint(checkpointId);
    if (!cp || cp.runId !== runId) throw new CheckpointNotFoundError(runId, checkpointId);
    return expandRuns(cp.snapshot.statuses);
  }

  /**
   * The supervisor a command goes to: the one driving the run, unless it is letting
   * the run go (a paused run with nothing left running), whose end is awaited first.
   */
  private async commandable(runId: string): Promise<RunSupervisor | undefined> {
    const live = this.driven.get(runId);
    if (!live?.isStopping) return live;
    await live.done;
    return this.driven.get(runId);
  }

  /** A supervisor for a run nobody drives, to act on it without dispatching. */
  private async idleSupervisor(runId: string, action: string): Promise<RunSupervisor> {
    const run = await this.requireRun(runId);
    refuseArchived(run, action);
    if (action === "cancel" && isRunSettled(run.status)) throw new InvalidTransitionError(`run ${runId}`, run.status, action);
    return this.driven.drive(runId, "amend", this.executorFor(run.options));
  }

  private async forTask(runId: string, taskId: string, allowed: TaskStatus[], action: string) {
    const sup = (await this.commandable(runId)) ?? (await this.idleSupervisor(runId, action));
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

/** An archived run's rows are folded into its archive (docs/retention.md): it is read, never driven again. */
function refuseArchived(run: RunRecord, action: string): void {
  if (run.archivedAt !== null) throw new InvalidTransitionError(`run ${run.id}`, "archived", action);
}
