// The Executor port on Argo Workflows. The run supervisor stays the single
// recorder of transitions: it dispatches a task when its dependencies are done
// and calls execute() once per attempt, exactly as for local runs; here that
// call waits for Argo to settle the matching attempt of the run's Workflow.
// Argo retries on its own (retryStrategy) with the run's retry limit, so the
// supervisor's attempt n is Argo's retry n-1 and nobody retries twice.
import type { ExecutionOutcome, ExecutionRequest, Executor } from "../../engine/executor.js";
import { silentLogger, type Logger } from "../../engine/ports.js";
import type { WorkflowApi } from "./k8s-client.js";
import type { PodLogStream } from "./pod-log-follower.js";
import type { PodLogReader } from "./pod-logs.js";
import { RunTracker, type ArgoStore } from "./run-tracker.js";
import { DEFAULT_LIMITS, type SplitLimits } from "./workflow-builder.js";

export interface ArgoExecutorConfig {
  api: WorkflowApi;
  store: ArgoStore;
  /** The task runner's image (run-task runs the run's command in it). */
  image: string;
  limits?: SplitLimits;
  /** WorkflowTemplate holding run-task (default multi-task-processor). */
  templateName?: string;
  retryDelayMs?: number;
  lingerMs?: number;
  /** Pod logs, for the stderr tail of failed attempts (default none: the node's message only). */
  logs?: PodLogReader;
  logTimeoutMs?: number;
  /** Pod logs followed while the pods run, for the live log (default none). */
  liveLogs?: PodLogStream;
  logger?: Logger;
}

export class ArgoExecutor implements Executor {
  readonly name = "argo";
  private readonly trackers = new Map<string, RunTracker>();

  constructor(private readonly cfg: ArgoExecutorConfig) {}

  execute(request: ExecutionRequest): Promise<ExecutionOutcome> {
    return this.tracker(request.runId).execute(request);
  }

  runPaused(runId: string): void {
    void this.tracker(runId).pause();
  }

  runResumed(runId: string): void {
    void this.tracker(runId).resume();
  }

  runCancelled(runId: string): void {
    // the tracker that knows the run's Workflows, taken now: the run may end, and its tracker
    // let go, while the options are read, and a new one would start from nothing
    const tracker = this.tracker(runId);
    void (async () => {
      const run = await this.cfg.store.getRun(runId);
      await tracker.cancel(run?.options.cancelGraceMs ?? 5_000);
    })().catch((err: unknown) => this.logger.warn({ runId, err: String(err) }, "argo cancel failed"));
  }

  /** The live tracker of a run, for tests and diagnostics. */
  trackerOf(runId: string): RunTracker | undefined {
    return this.trackers.get(runId);
  }

  async close(): Promise<void> {
    for (const t of [...this.trackers.values()]) t.dispose();
  }

  private get logger(): Logger {
    return this.cfg.logger ?? silentLogger;
  }

  private tracker(runId: string): RunTracker {
    let t = this.trackers.get(runId);
    if (!t) {
      const created: RunTracker = new RunTracker(
        runId,
        {
          api: this.cfg.api,
          store: this.cfg.store,
          image: this.cfg.image,
          limits: this.cfg.limits ?? DEFAULT_LIMITS,
          ...(this.cfg.templateName ? { templateName: this.cfg.templateName } : {}),
          retryDelayMs: this.cfg.retryDelayMs ?? 1_000,
          lingerMs: this.cfg.lingerMs ?? 30_000,
          ...(this.cfg.logs ? { logs: this.cfg.logs } : {}),
          logTimeoutMs: this.cfg.logTimeoutMs ?? 5_000,
          ...(this.cfg.liveLogs ? { liveLogs: this.cfg.liveLogs } : {}),
          logger: this.logger,
        },
        () => {
          if (this.trackers.get(runId) === created) this.trackers.delete(runId);
        },
      );
      t = created;
      this.trackers.set(runId, t);
    }
    return t;
  }
}
