// The operations GraphQL and REST share: starting a run from a request
// (taskmaster-sync/start-request.ts) and steering runs, all through the engine.
import { RunNotFoundError, StoreLockedError } from "../core/errors.js";
import type { Engine, StartedRun } from "../engine/engine.js";
import type { RunRecord, RunStore, StoredUnit } from "../engine/store.js";
import type { Command } from "../engine/steering.js";
import { topics } from "../engine/topics.js";
import type { DeletedRows, RetentionStore } from "../engine/retention-store.js";
import { deleteRun } from "./delete-run.js";
import { ProgressCache } from "./live/progress-cache.js";
import { FreshReads } from "./live/fresh-reads.js";
import type { Progress } from "../core/progress.js";
import { startRunInput, type StartRunRequest } from "../taskmaster-sync/start-request.js";

export class RunService {
  /** `defaultTasksFile`: the server's own Task Master project, used when a request names no source. */
  constructor(
    readonly engine: Engine,
    private readonly defaultTasksFile?: string,
    private readonly retention?: RetentionStore,
  ) {
    this.progressCache = new ProgressCache(engine);
    this.runReads = new FreshReads((id) => engine.store.getRun(id));
    this.unitReads = new FreshReads((id) => engine.store.loadUnits(id));
  }

  private readonly progressCache: ProgressCache;
  private readonly runReads: FreshReads<RunRecord | null>;
  private readonly unitReads: FreshReads<StoredUnit[]>;

  /**
   * A run's tasks, from a database read shared with concurrent askers: the
   * dashboard reads a 10,000-task run as 20 pages at once, which would
   * otherwise read every task 20 times.
   */
  units(runId: string): Promise<StoredUnit[]> {
    return this.unitReads.get(runId);
  }

  /** A run's committed record: from memory for a run this process drives, else from a database read shared with concurrent askers. */
  getRun(runId: string): Promise<RunRecord | null> {
    const live = this.engine.committedRun(runId);
    return live ? Promise.resolve(live) : this.runReads.get(runId);
  }

  /** A run's progress, shared by everyone asking at about the same time. */
  progress(runId: string, known?: RunRecord): Promise<Progress> {
    return this.progressCache.get(runId, known);
  }

  /** Whether a request that names no tasks reads the server's own project. */
  get hasDefaultTasksFile(): boolean {
    return this.defaultTasksFile !== undefined;
  }

  get store(): RunStore {
    return this.engine.store;
  }

  /** A bad request rejects, as the engine's refusals do: callers handle both in one place. `traceparent`: the caller's trace context (tracing on), which the run's trace continues. */
  async startRun(req: StartRunRequest, traceparent?: string): Promise<StartedRun> {
    return this.engine.startRun({ ...startRunInput(req, this.defaultTasksFile), ...(traceparent ? { traceparent } : {}) });
  }

  /**
   * The run once its start is committed (RUNNING, or further along if it is quick):
   * what startRun answers, rather than the PENDING row the run was created as.
   */
  async startedRun(runId: string, waitMs = 2_000): Promise<RunRecord> {
    const pending = () => this.engine.committedRun(runId)?.status === "pending";
    if (pending()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => done(), waitMs);
        const off = this.engine.bus.subscribe(topics.runEvents(runId), () => {
          if (!pending()) done();
        });
        function done() {
          clearTimeout(timer);
          off();
          resolve();
        }
        // the commit may have landed between the first look and the subscription
        if (!pending()) done();
      });
    }
    return this.requireRun(runId);
  }

  async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.getRun(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }

  /** Deletes a finished run and its rows; refuses one that is not finished. */
  async deleteRun(runId: string): Promise<DeletedRows> {
    if (!this.retention) throw new Error("this server was built without a retention store");
    return deleteRun(this.retention, this.engine, runId);
  }

  /** Takes a checkpoint now; returns its id. */
  async checkpoint(runId: string): Promise<string> {
    const { result, event } = await this.engine.steer(runId, { action: "checkpoint" });
    if (typeof result === "string") return result;
    // the event that shows a checkpoint is its run.checkpoint
    if (event?.type !== "run.checkpoint")
      throw new StoreLockedError(`run ${runId}: the process driving it did not take the checkpoint in time`);
    return event.data.id;
  }

  /** Steers a run and returns its record once the event showing the command is committed. */
  async steer(runId: string, c: Command): Promise<RunRecord> {
    await this.engine.steer(runId, c);
    return this.requireRun(runId);
  }
}
