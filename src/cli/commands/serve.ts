// conveyor serve: the GraphQL / REST API on the same engine and store as the CLI.
import { createApp } from "../../app.js";
import { withFlag, type Settings } from "../../config.js";
import { serverConfig, type ServerConfig } from "../../api/config.js";
import { RefusedToListenError, startApiServer } from "../../api/server.js";
import type { EventBus } from "../../engine/ports.js";
import { createLogger } from "../../observability/logger.js";
import { MeteredBus, createMetrics } from "../../observability/metrics.js";
import { pruneMetrics } from "../../observability/retention-metrics.js";
import { MemoryBus } from "../../pubsub/memory-bus.js";
import { RedisBus } from "../../pubsub/redis-bus.js";
import type { Output } from "../follow.js";
import { resolveTasksPath } from "../task-input.js";

export async function serveCommand(f: { host?: string; port?: string; tasks?: string; redis?: string }, out: Output, settings: Settings): Promise<number> {
  // a flag is checked as the setting it stands for, and wins over it
  const overrides: Partial<ServerConfig> = {
    host: withFlag(settings, "CONVEYOR_API_HOST", "--host", f.host),
    port: withFlag(settings, "CONVEYOR_API_PORT", "--port", f.port) ?? settings.PORT,
  };
  if (f.tasks !== undefined) overrides.tasksFile = resolveTasksPath(f.tasks);
  const config = serverConfig(overrides, settings);
  const logger = createLogger(settings.CONVEYOR_LOG_LEVEL ?? "info");
  const metrics = createMetrics();
  const redisUrl = withFlag(settings, "REDIS_URL", "--redis", f.redis);
  const redis = redisUrl ? new RedisBus(redisUrl, { logger }) : null;
  let isActive: (runId: string) => boolean = () => false;
  const bus: EventBus = new MeteredBus(redis ?? new MemoryBus(), metrics, (id) => isActive(id));
  const app = await createApp({ bus, logger, settings, metricsRegistry: metrics.registry });
  isActive = (id) => app.engine.isActive(id);
  const stopApp = async () => {
    await app.stop();
    await bus.close?.();
  };

  let server;
  try {
    server = await startApiServer({ app, logger, metrics, ...(redis ? { degradedChecks: { redis: () => redis.ping() } } : {}) }, config);
  } catch (err) {
    await stopApp();
    if (err instanceof RefusedToListenError) {
      out.error(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const endRecovery = metrics.recoveryDuration.startTimer();
  const recovered = await app.start();
  endRecovery();
  // CONVEYOR_RETENTION set: finished runs past it are deleted in the background, by one replica at a time
  app.startPruning({ observer: pruneMetrics(metrics.registry) });
  out.write(`conveyor API on ${server.url}/graphql (store: ${app.db.location}${redis ? ", events: redis" : ""})\n`);
  out.write(`dashboard on ${server.url}/\n`);
  if (recovered.length > 0) out.write(`recovered ${recovered.length} interrupted run(s)\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      out.write(`${signal}: shutting down; runs in progress are released for another replica or a restart\n`);
      resolve();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  // stop accepting and let mutations finish, then release the runs' leases, then the bus
  await server.close();
  await stopApp();
  return 0;
}
