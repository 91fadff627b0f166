// The composition root: the one place that chooses the store, the event bus,
// the executors and the logger, and wires them into the engine.
import { InvalidOptionError } from "./core/errors.js";
import type { RunPreview } from "./core/preview.js";
import type { RunOptions } from "./core/run-options.js";
import { Engine, type ExecutorFactory, type StartedRun, type StartRunInput } from "./engine/engine.js";
import type { EventBus, Logger } from "./engine/ports.js";
import { argoExecutorFromEnv } from "./executors/argo/from-env.js";
import { LocalProcessExecutor } from "./executors/local-process.js";
import type { ProcessLauncher } from "./executors/process-launcher.js";
import { Spawner } from "./executors/spawner/spawner.js";
import { createLogger } from "./observability/logger.js";
import { MemoryBus } from "./pubsub/memory-bus.js";
import { openDatabase, type Database } from "./storage/database.js";
import { ProcLiveness } from "./runtime/process-liveness.js";
import { connectTimeoutFromEnv } from "./storage/postgres-connect.js";
import { PrismaRunStore } from "./storage/prisma-run-store.js";
import { retentionFromEnv } from "./storage/retention-settings.js";
import { SqlRetentionStore } from "./storage/sql-retention-store.js";
import type { RetentionPolicy } from "./core/retention.js";
import type { RetentionStore } from "./engine/retention-store.js";
import { BackgroundPruner, type PruneObserver } from "./engine/background-pruner.js";
import { assertSyncable, StatusWriteBack } from "./taskmaster-sync/index.js";

export interface AppConfig {
  /** PostgreSQL URL; unset means the embedded store (env DATABASE_URL). */
  databaseUrl?: string;
  /** Embedded store folder (env CONVEYOR_DATA_DIR, default ./.conveyor). */
  dataDir?: string;
  /** How long connecting to PostgreSQL may take (env CONVEYOR_DB_CONNECT_TIMEOUT in seconds, default 10 s). */
  connectTimeoutMs?: number;
  /** Extra executors by name, beside "local". */
  executors?: Record<string, ExecutorFactory>;
  bus?: EventBus;
  logger?: Logger;
  /** How long a run's lease lasts unrenewed (env CONVEYOR_LEASE_MS, default 15,000): how soon another process takes over a dead one's runs. */
  leaseMs?: number;
  /** How long a run rides through a database outage before this process stops it, resumable (env CONVEYOR_DB_OUTAGE_BUDGET, default 60 s). */
  outageBudgetMs?: number;
  /** Take over runs left running by a process that died (default true). */
  recover?: boolean;
  /** How long finished runs are kept (env CONVEYOR_RETENTION: "30d", "1000 runs", "30d,1000 runs"); unset keeps them all. */
  retention?: RetentionPolicy;
  /** Where status write-back warnings go (a user's concurrent edit, an unwritable file); default: the logger. */
  warn?: (message: string) => void;
}

export interface App {
  engine: Engine;
  db: Database;
  /** Deleting finished runs and reading what retention decides over. */
  retention: RetentionStore;
  /** The retention policy in force (config or CONVEYOR_RETENTION), if any. */
  retentionPolicy: RetentionPolicy | undefined;
  /**
   * Starts pruning finished runs in the background under the policy (servers only), one
   * replica at a time; does nothing without a policy. Stopped by stop().
   */
  startPruning(opts?: { intervalMs?: number; runsPerPass?: number; pace?: number; observer?: PruneObserver }): BackgroundPruner | undefined;
  /**
   * Takes over the runs left running by processes that died, then keeps doing so
   * for as long as it runs (unless `recover` is false); returns the runs taken over at start.
   */
  start(): Promise<string[]>;
  /**
   * engine.startRun, refusing syncStatus without a tasks file. Status write-back
   * follows every run with syncStatus this app drives, however it came to drive it.
   */
  startRun(input: StartRunInput): Promise<StartedRun>;
  /** engine.previewRun, with startRun's refusals: what the run would do, recording nothing. */
  previewRun(input: StartRunInput): Promise<RunPreview>;
  stop(): Promise<void>;
}

const localExecutor = (launcher: ProcessLauncher): ExecutorFactory => (o: RunOptions) =>
  new LocalProcessExecutor({
    launcher,
    ...(o.command ? { command: o.command } : {}),
    ...(o.cwd ? { cwd: o.cwd } : {}),
    // SIGTERM first; what still runs after the grace period gets SIGKILL
    killGraceMs: o.cancelGraceMs,
  });

/** CONVEYOR_LEASE_MS, checked before anything opens. */
function leaseFromEnv(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1_000) throw new InvalidOptionError("CONVEYOR_LEASE_MS", `a whole number of milliseconds, at least 1000, not "${text}"`);
  return ms;
}

/** CONVEYOR_DB_OUTAGE_BUDGET: a duration ("90s", "2m", "1500ms") or a number of seconds, checked before anything opens. */
function outageBudgetFromEnv(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = m ? Math.round(Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"]) : NaN;
  if (!(ms >= 0)) throw new InvalidOptionError("CONVEYOR_DB_OUTAGE_BUDGET", `a duration such as 60s, 2m or 1500ms (or 0 to stop at once), not "${text}"`);
  return ms;
}

export async function createApp(config: AppConfig = {}): Promise<App> {
  const url = config.databaseUrl ?? process.env.DATABASE_URL;
  const leaseMs = config.leaseMs ?? leaseFromEnv(process.env.CONVEYOR_LEASE_MS);
  const outageBudgetMs = config.outageBudgetMs ?? outageBudgetFromEnv(process.env.CONVEYOR_DB_OUTAGE_BUDGET);
  const retentionPolicy = config.retention ?? retentionFromEnv();
  const connectTimeoutMs = config.connectTimeoutMs ?? connectTimeoutFromEnv(process.env.CONVEYOR_DB_CONNECT_TIMEOUT);
  const logger = config.logger ?? createLogger();
  // Started before the store opens (PGlite alone makes this process ~800 MB): task processes are forked from it, small.
  const spawner = new Spawner((message) => logger.warn({}, message));
  const db = await openDatabase({
    ...(url ? { url } : {}),
    dataDir: config.dataDir ?? process.env.CONVEYOR_DATA_DIR ?? ".conveyor",
    connectTimeoutMs,
    onIdleError: (err) => logger.warn({ err: err.message }, "an idle database connection failed; reconnecting"),
  }).catch((err: unknown) => {
    spawner.close();
    throw err;
  });
  const store = new PrismaRunStore(db);
  // runs with executor "argo" go to Argo Workflows when CONVEYOR_ARGO_NAMESPACE is set
  const argo = await argoExecutorFromEnv(store, logger);
  const engine = new Engine({
    store,
    bus: config.bus ?? new MemoryBus(),
    executors: { local: localExecutor(spawner), ...(argo ? { argo: () => argo } : {}), ...config.executors },
    logger,
    ...(leaseMs !== undefined ? { leaseMs } : {}),
    ...(outageBudgetMs !== undefined ? { outageBudgetMs } : {}),
    liveness: new ProcLiveness(),
  });
  const writeBack = new StatusWriteBack(engine, config.warn ?? ((message) => logger.warn({ message }, "status write-back")));
  const retention = new SqlRetentionStore(db);
  let pruner: BackgroundPruner | undefined;
  let stopped = false;
  return {
    engine,
    db,
    retention,
    retentionPolicy,
    startPruning: (opts = {}) => {
      if (!retentionPolicy || pruner || stopped) return pruner;
      pruner = new BackgroundPruner({ store: retention, policy: retentionPolicy, owner: engine.owner, logger, ...opts });
      pruner.start();
      return pruner;
    },
    start: async () => {
      if (config.recover === false) return [];
      const taken = await engine.recoverOrphans();
      engine.followOrphans();
      return taken;
    },
    startRun: (input) => {
      if (input.options?.syncStatus) assertSyncable(input.source);
      return engine.startRun(input);
    },
    previewRun: async (input) => {
      if (input.options?.syncStatus) assertSyncable(input.source);
      return engine.previewRun(input);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pruner?.stop();
      await engine.stop();
      await writeBack.close();
      await argo?.close();
      await db.close();
      spawner.close();
    },
  };
}
