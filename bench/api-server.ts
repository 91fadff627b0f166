// A child process for the API benchmark: `conveyor serve` as src/cli/commands/serve.ts
// wires it (metered bus, Redis with REDIS_URL, the API server on the app, recovery
// at start, info logs), plus one executor the CLI cannot name: "noop", in-process
// tasks that sleep BENCH_TASK_MS, which paces a run. Without it a command-less
// task fails on `serve`, and `/bin/sh -c true` at ~500 tasks/s would spend a
// CPU of this 2-CPU machine on fork and exec instead of on the API.
// Logs go to /dev/null at serve's level: the server pays for them, no pipe does.
// Prints "LISTENING <url>" once it accepts; SIGTERM shuts it down as serve does.
// Its settings come from the environment as serve's do: CONVEYOR_API_FAST_PATHS=false
// measures the API without its fast paths (src/api/fast/), as docs/benchmarks.md does.
import { pino } from "pino";
import { serverConfig } from "../src/api/config.js";
import { loadSettings } from "../src/config.js";
import { startApiServer } from "../src/api/server.js";
import { createApp } from "../src/app.js";
import type { EventBus, Logger } from "../src/engine/ports.js";
import { InProcessExecutor } from "../src/executors/in-process.js";
import { createMetrics, MeteredBus } from "../src/observability/metrics.js";
import { MemoryBus } from "../src/pubsub/memory-bus.js";
import { RedisBus } from "../src/pubsub/redis-bus.js";
import { sleep } from "./support.js";

const taskMs = Number(process.env.BENCH_TASK_MS ?? 20);
const logger: Logger = pino({ level: process.env.CONVEYOR_LOG_LEVEL ?? "info", base: { pid: process.pid } }, pino.destination("/dev/null"));
const metrics = createMetrics();
const redis = process.env.REDIS_URL ? new RedisBus(process.env.REDIS_URL, { logger }) : null;
let isActive: (runId: string) => boolean = () => false;
const bus: EventBus = new MeteredBus(redis ?? new MemoryBus(), metrics, (id) => isActive(id));
const noop = new InProcessExecutor(() => sleep(taskMs).then(() => 1));
const app = await createApp({ bus, logger, executors: { noop: () => noop } });
isActive = (id) => app.engine.isActive(id);
const server = await startApiServer({ app, logger, metrics, ...(redis ? { readiness: () => redis.ping() } : {}) }, serverConfig({ host: "127.0.0.1", port: 0 }, loadSettings()));
await app.start();
process.stdout.write(`LISTENING ${server.url}\n`);

process.once("SIGTERM", () => {
  void (async () => {
    await server.close();
    await app.stop();
    await bus.close?.();
    process.exit(0);
  })();
});
