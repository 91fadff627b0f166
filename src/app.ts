// The engine half of the composition root (src/root.ts, which also builds the API
// server, bus, logger and metrics): chooses the store, the executors, webhook
// delivery and status write-back, and wires them into the engine.
import { loadSettings, type Settings } from "./config.js";
import type { RunOptions } from "./core/run-options.js";
import { Engine, type ExecutorFactory } from "./engine/engine.js";
import type { EventBus, Logger } from "./engine/ports.js";
import { argoExecutorFromEnv } from "./executors/argo/from-env.js";
import { LocalProcessExecutor } from "./executors/local-process.js";
import type { ProcessLauncher } from "./executors/process-launcher.js";
import { Spawner } from "./executors/spawner/spawner.js";
import { createLogger } from "./observability/logger.js";
import type { OtelTracing } from "./observability/otel-tracing.js";
import { tracingSettings, type TracingSettings } from "./observability/tracing-settings.js";
import { MemoryBus } from "./pubsub/memory-bus.js";
import { openDatabase, type Database } from "./storage/database.js";
import { ProcLiveness } from "./runtime/process-liveness.js";
import { PrismaRunStore } from "./storage/prisma-run-store.js";
import { SqlRetentionStore } from "./storage/sql-retention-store.js";
import type { RetentionPolicy } from "./core/retention.js";
import type { RetentionAction, RetentionStore } from "./engine/retention-store.js";
import { BackgroundPruner, type MemoPolicy, type PruneObserver } from "./engine/background-pruner.js";
import { StatusWriteBack } from "./taskmaster-sync/index.js";
import type { Registry } from "prom-client";
import { topics } from "./engine/topics.js";
import { Dispatcher } from "./notifications/dispatcher.js";
import { webhookSettingsFrom, type WebhookSettings } from "./notifications/settings.js";
import { WantedTypes } from "./notifications/wanted-types.js";
import { Webhooks } from "./notifications/webhooks.js";
import { sqlWebhookStore } from "./storage/webhook-store.js";

export interface AppConfig {
  /** The settings (src/config/settings.ts) the fields below default to; unset: parsed from this process's environment. */
  settings?: Settings;
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
  /** What happens to runs past it (env CONVEYOR_RETENTION_ACTION, default "delete"): deleted, or archived. */
  retentionAction?: RetentionAction;
  /** The memo cache's own expiry (env CONVEYOR_MEMO_TTL, CONVEYOR_MEMO_MAX_ENTRIES); unset keeps every entry. */
  memo?: MemoPolicy;
  /** Where status write-back warnings go (a user's concurrent edit, an unwritable file); default: the logger. */
  warn?: (message: string) => void;
  /** Webhook settings over the environment's (notifications/settings.ts). */
  webhooks?: Partial<WebhookSettings>;
  /** Where the webhook metrics go (the server's registry); none when absent. */
  metricsRegistry?: Registry;
  /**
   * Tracing: settings (default: the OTEL_* variables, off unless an endpoint is set; see
   * docs/tracing.md), false for none, or a tracer already open (tests), which stop() shuts down.
   */
  tracing?: TracingSettings | false | OtelTracing;
}

export interface App {
  engine: Engine;
  db: Database;
  /** Webhook endpoints and deliveries (GraphQL). */
  webhooks: Webhooks;
  /** OpenTelemetry tracing, when on: the API adds GraphQL operation spans through it. */
  tracing?: OtelTracing;
  /** Deleting finished runs and reading what retention decides over. */
  retention: RetentionStore;
  /** The retention policy in force (config or CONVEYOR_RETENTION), if any. */
  retentionPolicy: RetentionPolicy | undefined;
  /** What happens to runs past it: deleted or archived. */
  retentionAction: RetentionAction;
  /** The memo cache's expiry in force, if any. */
  memoPolicy: MemoPolicy | undefined;
  /**
   * Starts pruning finished runs in the background under the policy, and expiring the memo
   * cache under its own (servers only), one replica at a time; does nothing without either. Stopped by stop().
   */
  startPruning(opts?: { intervalMs?: number; runsPerPass?: number; pace?: number; observer?: PruneObserver }): BackgroundPruner | undefined;
  /**
   * Takes over the runs left running by processes that died, then keeps doing so
   * for as long as it runs (unless `recover` is false); returns the runs taken over at start.
   * Sends webhook deliveries from then on.
   */
  start(): Promise<string[]>;
  stop(): Promise<void>;
}

const localExecutor =
  (launcher: ProcessLauncher): ExecutorFactory =>
  (o: RunOptions) =>
    new LocalProcessExecutor({
      launcher,
      ...(o.command ? { command: o.command } : {}),
      ...(o.cwd ? { cwd: o.cwd } : {}),
      // SIGTERM first; what still runs after the grace period gets SIGKILL
      killGraceMs: o.cancelGraceMs,
    });

/** The OpenTelemetry SDK is loaded only here, and only when tracing is on. */
async function openTracingIf(t: TracingSettings | false | undefined | OtelTracing, logger: Logger): Promise<OtelTracing | undefined> {
  if (!t) return undefined;
  if ("url" in t) return (await import("./observability/otel-tracing.js")).openTracing(t, { logger });
  return t;
}

export async function createApp(config: AppConfig = {}): Promise<App> {
  // checked before anything opens: a bad value stops here, named
  const settings = config.settings ?? loadSettings();
  const url = config.databaseUrl ?? settings.DATABASE_URL;
  const leaseMs = config.leaseMs ?? settings.CONVEYOR_LEASE_MS;
  const outageBudgetMs = config.outageBudgetMs ?? settings.CONVEYOR_DB_OUTAGE_BUDGET;
  const connectTimeoutMs = config.connectTimeoutMs ?? settings.CONVEYOR_DB_CONNECT_TIMEOUT;
  const logger = config.logger ?? createLogger(settings.CONVEYOR_LOG_LEVEL ?? "warn");
  const retentionPolicy = config.retention ?? settings.CONVEYOR_RETENTION;
  const retentionAction = config.retentionAction ?? settings.CONVEYOR_RETENTION_ACTION;
  const memoPolicy = config.memo ?? memoPolicyOf(settings);
  const webhookSettings = { ...webhookSettingsFrom(settings), ...config.webhooks };
  const tracing = await openTracingIf(config.tracing === undefined ? tracingSettings(settings) : config.tracing, logger);
  // Started before the store opens (PGlite makes this process hundreds of MB): task processes are forked from its
  // small helper, not from this process. (A command's early open, storage/early-open.ts, may be starting PGlite
  // already: that makes only the helper's one spawn dearer.)
  const spawner = new Spawner((message) => logger.warn({}, message));
  const db = await openDatabase({
    ...(url ? { url } : {}),
    dataDir: config.dataDir ?? settings.CONVEYOR_DATA_DIR,
    connectTimeoutMs,
    onIdleError: (err) => logger.warn({ err: err.message }, "an idle database connection failed; reconnecting"),
  }).catch((err: unknown) => {
    spawner.close();
    void tracing?.shutdown();
    throw err;
  });
  const webhookStore = sqlWebhookStore(db.sql);
  const wanted = new WantedTypes(webhookStore, (err) =>
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, "webhooks: reading the endpoints failed"),
  );
  try {
    await webhookStore.syncConfigEndpoints(webhookSettings.endpoints);
    await wanted.refresh();
  } catch (err) {
    await db.close();
    spawner.close();
    throw err;
  }
  wanted.start(webhookSettings.pollMs);
  const store = new PrismaRunStore(db, wanted.wants, memoPolicy?.ttlMs);
  // runs with executor "argo" go to Argo Workflows when CONVEYOR_ARGO_NAMESPACE is set
  const argo = await argoExecutorFromEnv(store, logger, settings);
  const engine = new Engine({
    store,
    bus: config.bus ?? new MemoryBus(),
    executors: { local: localExecutor(spawner), ...(argo ? { argo: () => argo } : {}), ...config.executors },
    logger,
    leaseMs,
    outageBudgetMs,
    liveness: new ProcLiveness(),
    ...(tracing ? { tracer: tracing } : {}),
  });
  // loaded only where metrics are served: prom-client brings ~80 modules (the OpenTelemetry API
  // among them) that a command, which has no registry, would load for nothing
  const metrics = config.metricsRegistry && (await import("./notifications/metrics.js")).webhookMetrics(config.metricsRegistry);
  const dispatcher = new Dispatcher({
    store: webhookStore,
    owner: engine.owner,
    settings: webhookSettings,
    logger,
    ...(metrics ? { metrics } : {}),
  });
  const webhooks = new Webhooks(webhookStore, webhookSettings.allowPrivate, {
    due: () => dispatcher.wake(),
    changed: () => wanted.refresh(),
  });
  // a run's end is sent at once rather than at the next poll (other notices wait for it)
  const unsubscribe = engine.bus.subscribe(topics.runChanges, (events) => {
    if (events.some((e) => e.type === "run.finished")) dispatcher.wake();
  });
  // status write-back follows every run with syncStatus this app drives, however it came to drive it
  const writeBack = new StatusWriteBack(engine, config.warn ?? ((message) => logger.warn({ message }, "status write-back")));
  const retention = new SqlRetentionStore(db);
  let pruner: BackgroundPruner | undefined;
  let stopped = false;
  return {
    engine,
    db,
    webhooks,
    ...(tracing ? { tracing } : {}),
    retention,
    retentionPolicy,
    retentionAction,
    memoPolicy,
    startPruning: (opts = {}) => {
      if ((!retentionPolicy && !memoPolicy) || pruner || stopped) return pruner;
      pruner = new BackgroundPruner({
        store: retention,
        ...(retentionPolicy ? { policy: retentionPolicy } : {}),
        action: retentionAction,
        ...(memoPolicy ? { memo: memoPolicy } : {}),
        owner: engine.owner,
        logger,
        ...opts,
      });
      pruner.start();
      return pruner;
    },
    start: async () => {
      dispatcher.start();
      if (config.recover === false) return [];
      const taken = await engine.recoverOrphans();
      engine.followOrphans();
      return taken;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      wanted.stop();
      await dispatcher.stop();
      await pruner?.stop();
      await engine.stop();
      await writeBack.close();
      await argo?.close();
      await db.close();
      spawner.close();
      // sends the spans still buffered
      await tracing?.shutdown().catch((err: unknown) => logger.warn({ err: String(err) }, "tracing: the last spans could not be sent"));
    },
  };
}

function memoPolicyOf(settings: Settings): MemoPolicy | undefined {
  const ttlMs = settings.CONVEYOR_MEMO_TTL;
  const maxEntries = settings.CONVEYOR_MEMO_MAX_ENTRIES;
  if (ttlMs === undefined && maxEntries === undefined) return undefined;
  return { ...(ttlMs !== undefined ? { ttlMs } : {}), ...(maxEntries !== undefined ? { maxEntries } : {}) };
}
