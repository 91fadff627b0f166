// One run on Argo: its Workflows (successive parts, and new ones after a
// resume), a watcher over them, and the supervisor's pending attempts. Each
// execute() resolves when an Argo attempt of that task settles; Argo attempts
// are handed out in order, each exactly once (by node id), so a restarted
// Conveyor neither loses nor repeats one: it starts after the last attempt the
// store recorded from Argo.
import type { ExecutionOutcome, ExecutionRequest } from "../../engine/executor.js";
import type { Logger } from "../../engine/ports.js";
import type { RunStore, StoredUnit } from "../../engine/store.js";
import type { WorkflowApi } from "./k8s-client.js";
import { raises, roomForNext, type PartLoad } from "./part-parallelism.js";
import { isSettled, mapTasks, outcomeOf, type AttemptView, type TaskView } from "./node-mapper.js";
import { withLogTail, type PodLogReader } from "./pod-logs.js";
import { isFinished, type ArgoWorkflow } from "./types.js";
import { WorkflowWatcher } from "./watcher.js";
import { buildWorkflow, nextPart, PART_LABEL, RUN_ID_LABEL, workflowUnits, type SplitLimits, type WorkflowUnit } from "./workflow-builder.js";

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
  logger: Logger;
}

interface Part {
  wf: ArgoWorkflow;
  part: number;
  /** Unit index -> attempts recorded before this Workflow (its run-task attempt-base). */
  bases: Map<number, number>;
  views: Map<number, TaskView>;
}

interface Waiter {
  index: number;
  signal: AbortSignal;
  /** Its attempt is chosen and only waits for the pod's log: nothing else may be handed to it. */
  claimed?: boolean;
  resolve(o: ExecutionOutcome): void;
  onProgress?: (fraction: number) => void;
  lastProgress?: number;
}

/** Attempts the supervisor itself closed when a driving process stopped: not Argo's. */
const INTERRUPTED = /^interrupted:/;
const TASK = /^t-(\d+)$/;

export class RunTracker {
  private readonly parts = new Map<string, Part>();
  /** Per unit, the lowest Conveyor attempt number not yet handed out. */
  private readonly next = new Map<number, number>();
  private readonly delivered = new Set<string>();
  /** Units whose success was handed out (the store may not show it yet). */
  private readonly succeeded = new Set<number>();
  private readonly waiters = new Set<Waiter>();
  private readonly watcher: WorkflowWatcher;
  private readonly ready: Promise<void>;
  private submitting = false;
  private fatal: string | undefined;
  private paused = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private unsuspended = false;
  /** The run's maxParallel, shared by all its Workflows. */
  private maxParallel = 1;
  /** Workflow name -> the parallelism last asked for by patch (the watch may not show it yet). */
  private readonly raised = new Map<string, number>();

  constructor(
    readonly runId: string,
    private readonly cfg: TrackerConfig,
    private readonly onDisposed: () => void,
  ) {
    this.watcher = new WorkflowWatcher(cfg.api, `${RUN_ID_LABEL}=${runId}`, (wf, type) => this.onObject(wf, type), {
      retryDelayMs: cfg.retryDelayMs,
      onError: (err) => cfg.logger.warn({ runId, err: String(err) }, "argo watch interrupted; reconnecting"),
    });
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
    const index = this.unitIds.get(req.taskId);
    if (index === undefined) return { ok: false, exitCode: null, error: `argo: task ${req.taskId} is not a unit of run ${this.runId}` };
    return new Promise<ExecutionOutcome>((resolve) => {
      const w: Waiter = {
        index,
        signal: req.signal,
        ...(req.onProgress ? { onProgress: req.onProgress } : {}),
        resolve: (o) => {
          req.signal.removeEventListener("abort", onAbort);
          this.waiters.delete(w);
          resolve(o);
          if (this.waiters.size === 0) this.idle();
        },
      };
      // an abort is a cancel or this process stopping: the Workflow is left alone either way
      const onAbort = () => {
        if (!w.claimed) w.resolve(cancelled());
      };
      req.signal.addEventListener("abort", onAbort, { once: true });
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
    setTimeout(() => {
      for (const name of names) {
        void this.cfg.api
          .get(name)
          .then((wf) => (isFinished(wf) ? undefined : this.cfg.api.patch(name, { spec: { shutdown: "Terminate" } })))
          .catch((err: unknown) => this.cfg.logger.warn({ runId: this.runId, err: String(err) }, "argo terminate failed"));
      }
    }, graceMs).unref();
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

  private readonly unitIds = new Map<string, number>();

  private async init(): Promise<void> {
    const [run, units, attempts] = await Promise.all([this.cfg.store.getRun(this.runId), this.cfg.store.loadUnits(this.runId), this.cfg.store.listAttempts(this.runId)]);
    this.maxParallel = run?.options.maxParallel ?? 1;
    units.forEach((u) => this.unitIds.set(u.id, u.index));
    for (const u of units) this.next.set(u.index, 1);
    for (const a of attempts) {
      if (a.error !== null && INTERRUPTED.test(a.error)) continue;
      this.next.set(a.index, Math.max(this.next.get(a.index)!, a.number + 1));
    }
    await this.watcher.start();
  }

  private onObject(wf: ArgoWorkflow, type: "ADDED" | "MODIFIED" | "DELETED"): void {
    const name = wf.metadata.name!;
    if (type === "DELETED") this.parts.delete(name);
    else {
      try {
        this.parts.set(name, this.partOf(wf));
      } catch (err) {
        // offloaded node status: nothing of this run can be followed any more
        this.fatal = err instanceof Error ? err.message : String(err);
      }
    }
    this.pump();
  }

  private partOf(wf: ArgoWorkflow): Part {
    const known = this.parts.get(wf.metadata.name!);
    const bases = known?.bases ?? basesOf(wf);
    const views = new Map<number, TaskView>();
    for (const [name, view] of mapTasks(wf, wf.metadata.name)) {
      const m = TASK.exec(name);
      if (m) views.set(Number(m[1]), view);
    }
    return { wf, part: Number(wf.metadata.labels?.[PART_LABEL] ?? 0), bases, views };
  }

  private pump(): void {
    let uncovered = false;
    for (const w of [...this.waiters]) {
      if (w.claimed) continue;
      if (this.fatal) w.resolve({ ok: false, exitCode: null, error: this.fatal });
      else if (this.tryDeliver(w) === "uncovered") uncovered = true;
    }
    if (uncovered && !this.submitting && this.room() > 0) void this.submit();
    this.rebalance();
  }

  /** Hands the waiter its attempt if Argo has settled one; else says whether a Workflow will bring one. */
  private tryDeliver(w: Waiter): "delivered" | "waiting" | "uncovered" {
    const p = this.newestFor(w.index);
    if (!p) return "uncovered";
    const view = p.views.get(w.index);
    const base = p.bases.get(w.index)!;
    const from = this.next.get(w.index) ?? 1;
    const a = view?.attempts.find((x) => isSettled(x) && !this.delivered.has(x.nodeId) && base + x.retry + 1 >= from);
    if (a) {
      this.delivered.add(a.nodeId);
      if (a.phase === "Succeeded") this.succeeded.add(w.index);
      this.next.set(w.index, base + a.retry + 2);
      this.hand(w, a);
      return "delivered";
    }
    const finished = isFinished(p.wf);
    if (!finished && !view?.final) {
      const running = view?.attempts.find((x) => !isSettled(x) && base + x.retry + 1 >= from);
      if (running?.progress !== undefined && running.progress !== w.lastProgress) {
        w.lastProgress = running.progress;
        w.onProgress?.(running.progress);
      }
      return "waiting";
    }
    if (finished && !view) {
      // the Workflow ended without ever running the task (bad template, deadline, ...): say why
      const s = p.wf.status;
      w.resolve({ ok: false, exitCode: null, error: `argo workflow ${p.wf.metadata.name} ${s?.phase ?? "ended"}: ${s?.message ?? "task never ran"}` });
      return "delivered";
    }
    return "uncovered";
  }

  /** Resolves the waiter with the attempt's outcome; a failed one first gets its pod's log tail, if it can be read. */
  private hand(w: Waiter, a: AttemptView): void {
    const outcome = outcomeOf(a);
    const logs = this.cfg.logs;
    if (outcome.ok || !logs || a.podName === undefined) return w.resolve(outcome);
    w.claimed = true;
    const onError = (err: unknown) => this.cfg.logger.warn({ runId: this.runId, pod: a.podName, err: String(err) }, "argo pod log unavailable; keeping the node's message");
    void withLogTail(outcome, a.podName, logs, { timeoutMs: this.cfg.logTimeoutMs, signal: w.signal, onError }).then((o) => w.resolve(o));
  }

  private newestFor(index: number): Part | undefined {
    let best: Part | undefined;
    for (const p of this.parts.values()) if (p.bases.has(index) && (!best || p.part > best.part)) best = p;
    return best;
  }

  private uncoveredWaiters(): Waiter[] {
    return [...this.waiters].filter((w) => !w.claimed && !this.covered(w.index));
  }

  /** Unfinished Workflows, oldest part first. */
  private activeParts(): Part[] {
    return [...this.parts.values()].filter((p) => !isFinished(p.wf)).sort((a, b) => a.part - b.part);
  }

  /** The parallelism a new Workflow may have beside the running ones (part-parallelism.ts), 0 when it must wait. */
  private room(): number {
    return roomForNext(this.loads(), this.maxParallel);
  }

  /** As older parts settle tasks, newer ones get their share of maxParallel back (the controller re-reads spec.parallelism). */
  private rebalance(): void {
    for (const { name, parallelism } of raises(this.loads(), this.maxParallel)) {
      this.raised.set(name, parallelism);
      void this.cfg.api.patch(name, { spec: { parallelism } }).catch((err: unknown) => {
        this.raised.delete(name);
        this.cfg.logger.warn({ runId: this.runId, workflow: name, err: String(err) }, "argo parallelism patch failed");
      });
    }
  }

  private loads(): PartLoad[] {
    return this.activeParts().map((p) => {
      const name = p.wf.metadata.name!;
      let settled = 0;
      for (const v of p.views.values()) if (v.final) settled++;
      return { name, parallelism: Math.max(Number(p.wf.spec.parallelism ?? 0), this.raised.get(name) ?? 0), unsettled: p.bases.size - settled };
    });
  }

  /** Submits the next Workflow: tasks not done, whose dependencies are done or come with them. */
  private async submit(): Promise<void> {
    this.submitting = true;
    try {
      const [run, units] = await Promise.all([this.cfg.store.getRun(this.runId), this.cfg.store.loadUnits(this.runId)]);
      if (!run) throw new Error(`run ${this.runId} not found`);
      const o = run.options;
      this.maxParallel = o.maxParallel;
      const parallelism = this.room();
      if (parallelism === 0) return;
      const memo = o.force ? new Map() : await this.cfg.store.memoLookup(units.map((u) => u.memoKey), o.memoMaxAgeMs);
      // the waiters a running Workflow will serve are not this submission's business
      const asking = this.uncoveredWaiters();
      const waiting = new Set(asking.map((w) => w.index));
      const runnable = this.runnable(units, (u) => memo.has(u.memoKey), waiting);
      for (const w of asking) {
        if (!runnable.some((u) => u.index === w.index)) w.resolve({ ok: false, exitCode: null, error: "argo: the task's dependencies are not done" });
      }
      if (!runnable.some((u) => waiting.has(u.index))) return;
      const part = Math.max(0, ...[...this.parts.values()].map((p) => p.part)) + 1;
      const settings = { runId: this.runId, part, options: o, parallelism, image: this.cfg.image, ...(this.cfg.templateName ? { templateName: this.cfg.templateName } : {}) };
      const chosen = nextPart(runnable, this.cfg.limits, (u) => buildWorkflow(u, settings));
      const created = await this.cfg.api.create(buildWorkflow(chosen, settings));
      this.cfg.logger.info({ runId: this.runId, workflow: created.metadata.name, part, tasks: chosen.length }, "argo workflow submitted");
      if (!this.parts.has(created.metadata.name!)) this.parts.set(created.metadata.name!, this.partOf(created));
    } catch (err) {
      const error = `argo: submitting the workflow failed: ${err instanceof Error ? err.message : String(err)}`;
      for (const w of this.uncoveredWaiters()) w.resolve({ ok: false, exitCode: null, error });
    } finally {
      this.submitting = false;
    }
    this.pump();
  }

  /**
   * Tasks for a new Workflow. The store may lag both ways (the supervisor commits in batches
   * and may start a task before its start is written; a resumed run's failed, skipped and
   * cancelled tasks still read so): a task the supervisor waits for is open whatever the store
   * says, an outcome handed out here counts as recorded, and a final failure is left alone
   * unless the supervisor asks again. Dependents come along when their dependencies do.
   */
  private runnable(units: StoredUnit[], memoized: (u: StoredUnit) => boolean, waiting: Set<number>): WorkflowUnit[] {
    const done = (u: StoredUnit) =>
      u.state.status === "succeeded" || (u.state.status === "skipped" && u.state.blockedBy === null) || memoized(u) || this.succeeded.has(u.index);
    const open = (u: StoredUnit) =>
      u.kind === "task" &&
      !done(u) &&
      !this.covered(u.index) &&
      (waiting.has(u.index) || (u.state.status !== "failed" && !this.spent(u.index)));
    const included = new Set<number>();
    return workflowUnits(units, (i) => (this.next.get(i) ?? 1) - 1).filter((wu) => {
      const ok = open(units[wu.index]!) && wu.deps.every((d) => included.has(d) || done(units[d]!));
      if (ok) included.add(wu.index);
      return ok;
    });
  }

  /** An existing Workflow still holds an attempt for this unit (settled and not handed out, or to come). */
  private covered(index: number): boolean {
    const p = this.newestFor(index);
    const view = p?.views.get(index);
    if (!p || !view) return p !== undefined && !isFinished(p.wf);
    const from = this.next.get(index) ?? 1;
    const base = p.bases.get(index)!;
    return view.attempts.some((a) => isSettled(a) && !this.delivered.has(a.nodeId) && base + a.retry + 1 >= from) || (!view.final && !isFinished(p.wf));
  }

  /** The newest Workflow has nothing more for this unit: final, every attempt handed out. */
  private spent(index: number): boolean {
    const view = this.newestFor(index)?.views.get(index);
    return view !== undefined && view.final && view.attempts.every((a) => this.delivered.has(a.nodeId));
  }

  private async patchActive(patch: Record<string, unknown>): Promise<string[]> {
    await this.ready.catch(() => undefined);
    return this.patchNow(patch);
  }

  private async patchNow(patch: Record<string, unknown>, when: (wf: ArgoWorkflow) => boolean = () => true): Promise<string[]> {
    const names = [...this.parts.values()].filter((p) => !isFinished(p.wf) && when(p.wf)).map((p) => p.wf.metadata.name!);
    await Promise.all(
      names.map((n) => this.cfg.api.patch(n, patch).catch((err: unknown) => this.cfg.logger.warn({ runId: this.runId, workflow: n, err: String(err) }, "argo patch failed"))),
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

/** Unit index -> attempt-base, from the DAG tasks' arguments (fixed once the Workflow exists). */
function basesOf(wf: ArgoWorkflow): Map<number, number> {
  const bases = new Map<number, number>();
  const templates = (wf.spec.templates ?? []) as { dag?: { tasks: { name: string; arguments?: { parameters?: { name: string; value?: string }[] } }[] } }[];
  for (const t of templates) {
    for (const task of t.dag?.tasks ?? []) {
      const m = TASK.exec(task.name);
      const base = task.arguments?.parameters?.find((p) => p.name === "attempt-base")?.value;
      if (m) bases.set(Number(m[1]), Number(base ?? 0));
    }
  }
  return bases;
}

function cancelled(): ExecutionOutcome {
  return { ok: false, exitCode: null, cancelled: true, error: "cancelled" };
}
