// The composition root: the one place that chooses the store, the event bus,
// the executors and the logger, and wires them into the engine.
import type { RunOptions } from "./core/run-options.js";
import { Engine, type ExecutorFactory, type StartedRun, type StartRunInput } from "./engine/engine.js";
import type { EventBus, Logger } from "./engine/ports.js";
import { argoExecutorFromEnv } from "./executors/argo/from-env.js";
import { LocalProcessExecutor } from "./executors/local-process.js";
import { createLogger } from "./observability/logger.js";
import { MemoryBus } from "./pubsub/memory-bus.js";
import { openDatabase, type Database } from "./storage/database.js";
import { PrismaRunStore } from "./storage/prisma-run-store.js";
import { assertSyncable, startStatusSync, StatusSync } from "./taskmaster-sync/index.js";

export interface AppConfig {
  /** PostgreSQL URL; unset means the embedded store (env DATABASE_URL). */
  databaseUrl?: string;
  /** Embedded store folder (env CONVEYOR_DATA_DIR, default ./.conveyor). */
  dataDir?: string;
  /** Extra executors by name, beside "local". */
  executors?: Record<string, ExecutorFactory>;
  bus?: EventBus;
  logger?: Logger;
  leaseMs?: number;
  /** Take over runs left running by a process that died (default true). */
  recover?: boolean;
}

export interface App {
  engine: Engine;
  db: Database;
  /** Runs taken over at start. */
  start(): Promise<string[]>;
  /** engine.startRun plus, with options.syncStatus, status write-back into the tasks file (close `sync` after the run). */
  startRun(input: StartRunInput, warn?: (message: string) => void): Promise<StartedRun & { sync?: StatusSync }>;
  /** Status write-back for a run started earlier with syncStatus (resume, recover, retry, mark). */
  attachStatusSync(runId: string, warn?: (message: string) => void): Promise<StatusSync | undefined>;
  stop(): Promise<void>;
}

const localExecutor: ExecutorFactory = (o: RunOptions) =>
  new LocalProcessExecutor({
    ...(o.command ? { command: o.command } : {}),
    ...(o.cwd ? { cwd: o.cwd } : {}),
    // SIGTERM first; what still runs after the grace period gets SIGKILL
    killGraceMs: o.cancelGraceMs,
  });

export async function createApp(config: AppConfig = {}): Promise<App> {
  const url = config.databaseUrl ?? process.env.DATABASE_URL;
  const logger = config.logger ?? createLogger();
  const db = await openDatabase({
    ...(url ? { url } : {}),
    dataDir: config.dataDir ?? process.env.CONVEYOR_DATA_DIR ?? ".conveyor",
    onIdleError: (err) => logger.warn({ err: err.message }, "an idle database connection failed; reconnecting"),
  });
  const store = new PrismaRunStore(db);
  // runs with executor "argo" go to Argo Workflows when CONVEYOR_ARGO_NAMESPACE is set
  const argo = await argoExecutorFromEnv(store, logger);
  const engine = new Engine({
    store,
    bus: config.bus ?? new MemoryBus(),
    executors: { local: localExecutor, ...(argo ? { argo: () => argo } : {}), ...config.executors },
    logger,
    ...(config.leaseMs !== undefined ? { leaseMs: config.leaseMs } : {}),
  });
  let stopped = false;
  return {
    engine,
    db,
    start: () => (config.recover === false ? Promise.resolve([]) : engine.recoverOrphans()),
    startRun: async (input, warn = () => undefined) => {
      if (!input.options?.syncStatus) return engine.startRun(input);
      assertSyncable(input.source);
      const started = await engine.startRun(input);
      // events are published only once committed, after startRun returns: none is missed
      return { ...started, sync: startStatusSync(engine.bus, started.runId, input.source, warn) };
    },
    attachStatusSync: async (runId, warn = () => undefined) => {
      const run = await engine.store.getRun(runId);
      if (!run?.options.syncStatus) return undefined;
      // the run keeps where its tasks came from: the same file and tag take the statuses
      try {
        return new StatusSync({ bus: engine.bus, runId, file: run.source.origin, tag: run.source.tag, warn });
      } catch (err) {
        warn(`status write-back to ${run.source.origin} is off for this session: ${(err as Error).message}`);
        return undefined;
      }
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await engine.stop();
      await argo?.close();
      await db.close();
    },
  };
}
