// The composition root: the one place that chooses the store, the event bus,
// the executors and the logger, and wires them into the engine.
import type { RunOptions } from "./core/run-options.js";
import { Engine, type ExecutorFactory } from "./engine/engine.js";
import type { EventBus, Logger } from "./engine/ports.js";
import { LocalProcessExecutor } from "./executors/local-process.js";
import { createLogger } from "./observability/logger.js";
import { MemoryBus } from "./pubsub/memory-bus.js";
import { openDatabase, type Database } from "./storage/database.js";
import { PrismaRunStore } from "./storage/prisma-run-store.js";

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
  stop(): Promise<void>;
}

const localExecutor: ExecutorFactory = (o: RunOptions) =>
  new LocalProcessExecutor({ ...(o.command ? { command: o.command } : {}), ...(o.cwd ? { cwd: o.cwd } : {}) });

export async function createApp(config: AppConfig = {}): Promise<App> {
  const url = config.databaseUrl ?? process.env.DATABASE_URL;
  const db = await openDatabase({
    ...(url ? { url } : {}),
    dataDir: config.dataDir ?? process.env.CONVEYOR_DATA_DIR ?? ".conveyor",
  });
  const engine = new Engine({
    store: new PrismaRunStore(db),
    bus: config.bus ?? new MemoryBus(),
    executors: { local: localExecutor, ...config.executors },
    logger: config.logger ?? createLogger(),
    ...(config.leaseMs !== undefined ? { leaseMs: config.leaseMs } : {}),
  });
  let stopped = false;
  return {
    engine,
    db,
    start: () => (config.recover === false ? Promise.resolve([]) : engine.recoverOrphans()),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await engine.stop();
      await db.close();
    },
  };
}
