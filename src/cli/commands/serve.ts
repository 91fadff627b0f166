// conveyor serve: the GraphQL / REST API on the same engine and store as the CLI.
import { createApp } from "../../app.js";
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
import { UsageError } from "../usage-error.js";

export async function serveCommand(f: { host?: string; port?: string; tasks?: string; redis?: string }, out: Output): Promise<number> {
  const overrides: Partial<ServerConfig> = {};
  if (f.host !== undefined) overrides.host = f.host;
  if (f.port !== undefined) {
    if (!/^\d+$/.test(f.port)) throw new UsageError(`--port: not a port number: ${f.port}`);
    overrides.port = Number(f.port);
  }
  if (f.tasks !== undefined) overrides.tasksFile = resolveTasksPath(f.tasks);
  let config: ServerConfig;
  try {
    config = serverConfig(overrides);
  } catch (err) {
    // a setting the environment gives wrong (CONVEYOR_CORS_ORIGINS, the token list) is bad input, named in the message
    throw new UsageError((err as Error).message);
  }
  const logger = createLogger(process.env.CONVEYOR_LOG_LEVEL ?? "info");
  const metrics = createMetrics();
  const redisUrl = f.redis ?? process.env.REDIS_URL;
  const redis = redisUrl ? new RedisBus(redisUrl, { logger }) : null;
  let isActive: (runId: string) => boolean = () => false;
  const bus: EventBus = new MeteredBus(redis ?? new MemoryBus(), metrics, (id) => isActive(id));
  const app = await createApp({ bus, logger });
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
