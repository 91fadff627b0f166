// The composition root: everything a Conveyor process runs, chosen and wired in
// one place. The engine side (store, executors, webhooks) is createApp's; this
// adds what a process serves it with: the event bus (in-process or Redis),
// logger, metrics, readiness and the API server. `serve`, the CLI's other
// commands, the API benchmark and embedders all start here.
// What only a server needs (Yoga, Pothos, prom-client, ioredis) is imported when asked
// for: `conveyor run` and `conveyor status` never load it.
import type { ServerConfig } from "./api/config.js";
import type { ApiServer } from "./api/server.js";
import { createApp, type App, type AppConfig } from "./app.js";
import { loadSettings } from "./config.js";
import type { EventBus } from "./engine/ports.js";
import { createLogger } from "./observability/logger.js";
import type { ApiMetrics } from "./observability/metrics.js";
import { MemoryBus } from "./pubsub/memory-bus.js";

export interface ConveyorConfig extends Omit<AppConfig, "metricsRegistry"> {
  /**
   * The API server: its settings over the environment's (CONVEYOR_API_*; `{}` takes
   * them all from there). Unset or false: no server, no metrics (a CLI command, an embedder).
   */
  api?: Partial<ServerConfig> | false;
  /** Redis for events across replicas (`serve` passes REDIS_URL or --redis); unset: in-process events. Ignored when `bus` is given. */
  redisUrl?: string;
}

export interface Conveyor {
  app: App;
  /** The API server, once start() has it listening (absent without `api`). */
  readonly server: ApiServer | undefined;
  /** Where the events go: this process only, Redis, or a bus the caller gave. */
  events: "memory" | "redis" | "given";
  /**
   * Opens the API server (when configured), then takes over the runs left by processes
   * that died (unless `recover` is false) and starts sending webhooks. A server that
   * cannot listen (RefusedToListenError) stops everything before it is thrown.
   */
  start(): Promise<{ recovered: string[] }>;
  /** Stops accepting requests and lets mutations finish, then stops the engine (runs stay resumable), then closes the bus. */
  stop(): Promise<void>;
}

export async function createConveyor(config: ConveyorConfig = {}): Promise<Conveyor> {
  // checked before anything opens: a bad value stops here, named
  const settings = config.settings ?? loadSettings();
  const { api: apiOverrides, redisUrl, ...appConfig } = config;
  const serving = apiOverrides !== undefined && apiOverrides !== false ? await import("./api/server.js") : undefined;
  const api = serving && apiOverrides ? await import("./api/config.js").then((m) => m.serverConfig(apiOverrides, settings)) : undefined;
  // a server tells its operator what it does at info; a command's terminal shows warnings only
  const logger = config.logger ?? createLogger(settings.CONVEYOR_LOG_LEVEL ?? (api ? "info" : "warn"));
  const metering = api ? await import("./observability/metrics.js") : undefined;
  const metrics: ApiMetrics | undefined = metering?.createMetrics();
  const redis =
    !config.bus && redisUrl ? await import("./pubsub/redis-bus.js").then((m) => new m.RedisBus(redisUrl, { logger })) : undefined;
  let isActive: (runId: string) => boolean = () => false;
  const inner: EventBus = config.bus ?? redis ?? new MemoryBus();
  const bus = metering && metrics ? new metering.MeteredBus(inner, metrics, (id) => isActive(id)) : inner;
  const app = await createApp({
    ...appConfig,
    settings,
    bus,
    logger,
    ...(metrics ? { metricsRegistry: metrics.registry } : {}),
  }).catch(async (err: unknown) => {
    await bus.close?.();
    throw err;
  });
  isActive = (id) => app.engine.isActive(id);

  let server: ApiServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // the order matters: requests in flight still need the engine, and the engine's last commits publish on the bus
      await server?.close();
      await app.stop();
      // a bus the caller gave is the caller's to close
      if (!config.bus) await bus.close?.();
    })());

  return {
    app,
    get server() {
      return server;
    },
    events: config.bus ? "given" : redis ? "redis" : "memory",
    start: async () => {
      if (serving && api) {
        try {
          server = await serving.startApiServer(
            { app, logger, ...(metrics ? { metrics } : {}), ...(redis ? { degradedChecks: { redis: () => redis.ping() } } : {}) },
            api,
          );
        } catch (err) {
          await stop();
          throw err;
        }
      }
      const endRecovery = metrics?.recoveryDuration.startTimer();
      const recovered = await app.start();
      endRecovery?.();
      // a server: with CONVEYOR_RETENTION set, finished runs past it are deleted or archived in the background, and with
      // CONVEYOR_MEMO_TTL or CONVEYOR_MEMO_MAX_ENTRIES the memo cache expires there, one replica at a time
      if (server && metrics)
        app.startPruning({ observer: (await import("./observability/retention-metrics.js")).pruneMetrics(metrics.registry) });
      return { recovered };
    },
    stop,
  };
}
