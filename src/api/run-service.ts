// The operations GraphQL and REST share: turning a request into a started run
// (source, selection, options) and steering runs, all through the engine.
import { InvalidOptionError, TasksPathError, RunNotFoundError, StoreLockedError } from "../core/errors.js";
import { parseSelection } from "../core/selection.js";
import type { TaskSource } from "../core/task.js";
import { inlineSource } from "../core/taskmaster/index.js";
import { readTasksFile } from "../taskmaster-sync/tasks-file.js";
import type { Engine, StartedRun, StartRunInput } from "../engine/engine.js";
import type { RunRecord, RunStore, StoredUnit } from "../engine/store.js";
import type { Command } from "../engine/steering.js";
import { runTopic } from "../engine/ports.js";
import { ProgressCache } from "./live/progress-cache.js";
import { FreshReads } from "./live/fresh-reads.js";
import type { Progress } from "../core/progress.js";

export interface StartRunRequest {
  /** A tasks.json (or project folder) on the server. */
  tasksFile?: string;
  tag?: string;
  /** Inline task definitions or bare ids. */
  inline?: unknown;
  /** A range spec ("1-5,8") or a JSON array text. */
  selection?: string;
  /** Explicit ids. */
  taskIds?: (string | number)[];
  options?: Record<string, unknown>;
}

/** How runs start: App.startRun, which also checks that syncStatus has a tasks file to write to. */
export type StartRun = (input: StartRunInput) => Promise<StartedRun>;

export class RunService {
  /** `defaultTasksFile`: the server's own Task Master project, used when a request names no source. */
  constructor(
    readonly engine: Engine,
    private readonly defaultTasksFile?: string,
    private readonly start: StartRun = (input) => engine.startRun(input),
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

  async startRun(req: StartRunRequest): Promise<StartedRun> {
    const source = this.source(req);
    if (req.selection !== undefined && req.taskIds !== undefined) {
      throw new InvalidOptionError("selection", "give either selection or taskIds, not both");
    }
    const selection =
      req.selection !== undefined ? parseSelection(req.selection) : req.taskIds !== undefined ? parseSelection(req.taskIds) : undefined;
    const selectionText = req.selection ?? (req.taskIds ? JSON.stringify(req.taskIds) : undefined);
    const input: StartRunInput = {
      source,
      ...(selection ? { selection } : {}),
      ...(selectionText !== undefined ? { selectionText } : {}),
      options: req.options ?? {},
    };
    return this.start(input);
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
        const off = this.engine.bus.subscribe(runTopic(runId), () => {
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

  /** Takes a checkpoint now; returns its id. */
  async checkpoint(runId: string): Promise<string> {
    const { result, event } = await this.engine.steer(runId, { action: "checkpoint" });
    if (typeof result === "string") return result;
    if (!event) throw new StoreLockedError(`run ${runId}: the process driving it did not take the checkpoint in time`);
    return String(event.data.id);
  }

  /** Steers a run and returns its record once the event showing the command is committed. */
  async steer(runId: string, c: Command): Promise<RunRecord> {
    await this.engine.steer(runId, c);
    return this.requireRun(runId);
  }

  private source(req: StartRunRequest): TaskSource {
    if (req.tasksFile !== undefined && req.inline !== undefined) {
      throw new InvalidOptionError("source", "give either tasksFile or inline, not both");
    }
    const file = req.tasksFile ?? this.defaultTasksFile;
    if (req.inline === undefined && file === undefined) {
      throw new InvalidOptionError("source", "give tasksFile or inline (this server has no default tasks file)");
    }
    if (req.inline !== undefined) {
      if (!Array.isArray(req.inline)) throw new InvalidOptionError("inline", "must be an array of task definitions or ids");
      return inlineSource(req.inline);
    }
    try {
      return readTasksFile(file!, req.tag);
    } catch (err) {
      // a path that is not there is an input error on the field
      if (err instanceof TasksPathError) throw new InvalidOptionError("tasksFile", err.message);
      if (err instanceof Error && "code" in err && typeof err.code === "string" && err.code.startsWith("E")) {
        throw new InvalidOptionError("tasksFile", `cannot read ${file}: ${err.code}`); // EACCES, EISDIR, ...
      }
      throw err;
    }
  }
}

/** GraphQL sends null for absent optional fields; the options schema wants them absent. */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
  }
  return value;
}
