// One run on Argo: its Workflows (successive parts, and new ones after a
// resume), a watcher over them, and the supervisor's pending attempts. Each
// execute() resolves when an Argo attempt of that task settles; Argo attempts
// are handed out in order, each exactly once (attempt-ledger.ts), so a restarted
// Conveyor neither loses nor repeats one: it starts after the last attempt the
// store recorded from Argo.
import type { ExecutionOutcome, ExecutionRequest } from "../../engine/executor.js";
import type { Logger } from "../../engine/ports.js";
import type { RunStore } from "../../engine/store.js";
import { AttemptLedger } from "./attempt-ledger.js";
import { AttemptWaiter, cancelled, type LiveLogSource, type LogTailSource } from "./attempt-waiter.js";
import type { WorkflowApi } from "./k8s-client.js";
import { ParallelismPatcher } from "./parallelism-patcher.js";
import type { PodLogStream } from "./pod-log-follower.js";
import type { PodLogReader } from "./pod-logs.js";
import { runnableUnits } from "./runnable-units.js";
import type { ArgoWorkflow } from "./types.js";
import { WorkflowWatcher } from "./watcher.js";
import { patchEach, terminateAfter } from "./workflow-control.js";
import { buildWorkflow, nextPart, RUN_ID_LABEL, type SplitLimits } from "./workflow-builder.js";

export type ArgoStore = Pick<RunStore, "getRun" | "loadUnits" | "listAttempts" | "memoLookup">;

export interface TrackerConfig {
  api: WorkflowApi;
  store: ArgoStore;
  image: string;
  limits: SplitLimits;
  templateName?: string;
  retryDelayMs: number;
  /** Idle time (no attempt waiting) before the watch is closed. */
  lingerMs: number;
  /** Where a failed attempt's log tail comes from; without it only the node's message is kept. */
  logs?: PodLogReader;
  /** How long a failed attempt waits for its log before it is handed out without. */
  logTimeoutMs: number;
  /** Where running attempts' pod logs are followed for the live log; without it there is none. */
  liveLogs?: PodLogStream;
  logger: Logger;
}

export class RunTracker {
  private readonly ledger = new AttemptLedger();
  private readonly unitIds = new Map<string, number>();
  private readonly waiters = new Set<AttemptWaiter>();
  private readonly watcher: WorkflowWatcher;
  private readonly parallelism: ParallelismPatcher;
  private readonly ready: Promise<void>;
  private readonly tail: LogTailSource | undefined;
  private readonly live: LiveLogSource | undefined;
  private submitting = false;
  private fatal: string | undefined;
  private paused = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private unsuspended = false;
  private traceparent = "";

  constructor(
    readonly runId: string,
    private readonly cfg: TrackerConfig,
    private readonly onDisposed: () => void,
  ) {
    this.watcher = new WorkflowWatcher(cfg.api, `${RUN_ID_LABEL}=${runId}`, (wf, type) => this.onObject(wf, type), {
      retryDelayMs: cfg.retryDelayMs,
      onError: (err) => cfg.logger.warn({ runId, err: String(err) }, "argo watch interrupted; reconnecting"),
    });
    this.parallelism = new ParallelismPatcher(runId, cfg.api, this.ledger, cfg.logger);
    const logs = cfg.logs;
    this.tail = logs && {
      logs,
      timeoutMs: cfg.logTimeoutMs,
      onError: (pod, err) => cfg.logger.warn({ runId, pod, err: String(err) }, "argo pod log unavailable; keeping the node's message"),
    };
    const stream = cfg.liveLogs;
    this.live = stream && {
      stream,
      retryDelayMs: cfg.retryDelayMs,
      onError: (pod, err) => cfg.logger.warn({ runId, pod, err: String(err) }, "argo pod log not followed yet; asking again"),
    };
    this.ready = this.init();
    this.ready.catch(() => undefined);
  }

  get watchStats() {
    return this.watcher.stats;
  }

  async execute(req: ExecutionRequest): Promise<ExecutionOutcome> {
    clearTimeout(this.idleTimer);
    try {
      await this.ready;
    } catch (err) {
      this.dispose();
      return { ok: false, exitCode: null, error: `argo: ${String(err)}` };
    }
    if (!this.unsuspended && !this.paused) {
      // asked for work, so the run is running, even if a pause left its Workflow suspended
      // (a resumed run gets a new supervisor, which does not call runResumed)
      this.unsuspended = true;
      await this.patchNow({ spec: { suspend: null } }, (wf) => wf.spec.suspend === true);
    }
    if (req.signal.aborted) return cancelled();
    // the run span (tracing on): Workflows submitted from now on hand it to their pods
    if (req.runTraceparent !== undefined) this.traceparent = req.runTraceparent;
    const index = this.unitIds.get(req.taskId);
    if (index === undefined) return { ok: false, exitCode: null, error: `argo: task ${req.taskId} is not a unit of run ${this.runId}` };
    return new Promise<ExecutionOutcome>((resolve) => {
      const w: AttemptWaiter = new AttemptWaiter(index, req, (o) => {
        this.waiters.delete(w);
        resolve(o);
        if (this.waiters.size === 0) this.idle();
      });
      this.waiters.add(w);
      this.pump();
    });
  }

  async pause(): Promise<void> {
    this.paused = true;
    await this.patchActive({ spec: { suspend: true } });
    if (this.waiters.size === 0) this.idle();
  }

  async resume(): Promise<void> {
    this.paused = false;
    await this.patchActive({ spec: { suspend: null } });
    if (this.waiters.size === 0) this.idle();
  }

  /** Stop (running pods finish their attempt, nothing new starts), then Terminate after the grace period. */
  async cancel(graceMs: number): Promise<void> {
    const names = await this.patchActive({ spec: { shutdown: "Stop" } });
    if (this.waiters.size === 0) this.idle();
    if (names.length === 0) return;
    terminateAfter(this.cfg.api, names, graceMs, (err) =>
      this.cfg.logger.warn({ runId: this.runId, err: String(err) }, "argo terminate failed"),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.idleTimer);
    this.watcher.stop();
    // a claimed waiter has its outcome and resolves within the log timeout
    for (const w of [...this.waiters]) if (!w.claimed) w.resolve(cancelled());
    this.onDisposed();
  }

  // ---- internals -------------------------------------------------------------------------

  private async init(): Promise<void> {
    const [run, units, attempts] = await Promise.all([
      this.cfg.store.getRun(this.runId),
      this.cfg.store.loadUnits(this.runId),
      this.cfg.store.listAttempts(this.runId),
    ]);
    this.parallelism.maxParallel = run?.options.maxParallel ?? 1;
    units.forEach((u) => this.unitIds.set(u.id, u.index));
    this.ledger.seed(units, attempts);
    await this.watcher.start();
  }

  private onObject(wf: ArgoWorkflow, type: "ADDED" | "MODIFIED" | "DELETED"): void {
    if (type === "DELETED") this.ledger.remove(wf.metadata.name!);
    else {
      try {
        this.ledger.update(wf);
      } catch (err) {
        // offloaded node status: nothing of this run can be followed any more
        this.fatal = err instanceof Error ? err.message : String(err);
      }
    }
    this.pump();
  }

  private pump(): void {
    let uncovered = false;
    for (const w of [...this.waiters]) {
      if (w.claimed) continue;
      if (this.fatal) w.resolve({ ok: false, exitCode: null, error: this.fatal });
      else if (this.tryDeliver(w) === "uncovered") uncovered = true;
    }
    if (uncovered && !this.submitting && this.parallelism.room() > 0) void this.submit();
    this.parallelism.rebalance();
  }

  /** Hands the waiter its attempt if Argo has settled one; else says whether a Workflow will bring one. */
  private tryDeliver(w: AttemptWaiter): "delivered" | "waiting" | "uncovered" {
    const found = this.ledger.take(w.index);
    switch (found.kind) {
      case "settled":
        w.hand(found.attempt, this.tail);
        return "delivered";
      case "running":
        w.progress(found.progress);
        w.follow(found.podName, this.live);
        return "waiting";
      case "never-ran":
        w.resolve({ ok: false, exitCode: null, error: found.error });
        return "delivered";
      case "uncovered":
        return "uncovered";
    }
  }

  private uncoveredWaiters(): AttemptWaiter[] {
    return [...this.waiters].filter((w) => !w.claimed && !this.ledger.covered(w.index));
  }

  /** Submits the next Workflow: tasks not done, whose dependencies are done or come with them (runnable-units.ts). */
  private async submit(): Promise<void> {
    this.submitting = true;
    try {
      const [run, units] = await Promise.all([this.cfg.store.getRun(this.runId), this.cfg.store.loadUnits(this.runId)]);
      if (!run) throw new Error(`run ${this.runId} not found`);
      const o = run.options;
      this.parallelism.maxParallel = o.maxParallel;
      const parallelism = this.parallelism.room();
      if (parallelism === 0) return;
      const memo = o.force
        ? new Map()
        : await this.cfg.store.memoLookup(
            units.map((u) => u.memoKey),
            o.memoMaxAgeMs,
          );
      // the waiters a running Workflow will serve are not this submission's business
      const asking = this.uncoveredWaiters();
      const waiting = new Set(asking.map((w) => w.index));
      const runnable = runnableUnits(units, this.ledger, (u) => memo.has(u.memoKey), waiting);
      for (const w of asking) {
        if (!runnable.some((u) => u.index === w.index))
          w.resolve({ ok: false, exitCode: null, error: "argo: the task's dependencies are not done" });
      }
      if (!runnable.some((u) => waiting.has(u.index))) return;
      const part = this.ledger.nextPartNumber();
      const settings = {
        runId: this.runId,
        part,
        options: o,
        parallelism,
        image: this.cfg.image,
        traceparent: this.traceparent,
        ...(this.cfg.templateName ? { templateName: this.cfg.templateName } : {}),
      };
      const chosen = nextPart(runnable, this.cfg.limits, (u) => buildWorkflow(u, settings));
      const created = await this.cfg.api.create(buildWorkflow(chosen, settings));
      this.cfg.logger.info({ runId: this.runId, workflow: created.metadata.name, part, tasks: chosen.length }, "argo workflow submitted");
      if (!this.ledger.has(created.metadata.name!)) this.ledger.update(created);
    } catch (err) {
      const error = `argo: submitting the workflow failed: ${err instanceof Error ? err.message : String(err)}`;
      for (const w of this.uncoveredWaiters()) w.resolve({ ok: false, exitCode: null, error });
    } finally {
      this.submitting = false;
    }
    this.pump();
  }

  private async patchActive(patch: Record<string, unknown>): Promise<string[]> {
    await this.ready.catch(() => undefined);
    return this.patchNow(patch);
  }

  private async patchNow(patch: Record<string, unknown>, when: (wf: ArgoWorkflow) => boolean = () => true): Promise<string[]> {
    const names = this.ledger.unfinished().flatMap((p) => (when(p.wf) ? [p.wf.metadata.name!] : []));
    await patchEach(this.cfg.api, names, patch, (workflow, err) =>
      this.cfg.logger.warn({ runId: this.runId, workflow, err: String(err) }, "argo patch failed"),
    );
    return names;
  }

  private idle(): void {
    if (this.disposed) return;
    clearTimeout(this.idleTimer);
    // a paused run with nothing running is no longer driven: let go of it now
    if (this.paused) return this.dispose();
    this.idleTimer = setTimeout(() => {
      if (this.waiters.size === 0) this.dispose();
    }, this.cfg.lingerMs);
    this.idleTimer.unref();
  }
}
