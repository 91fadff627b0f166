// A child process for the API benchmark: `conveyor serve` as the composition root
// wires it (src/root.ts: metered bus, Redis with REDIS_URL, the API server on the app,
// recovery at start), plus one executor the CLI cannot name: "noop", in-process
// tasks that sleep BENCH_TASK_MS, which paces a run. Without it a command-less
// task fails on `serve`, and `/bin/sh -c true` at ~500 tasks/s would spend a
// CPU of this 2-CPU machine on fork and exec instead of on the API.
// Logs go to /dev/null at serve's level: the server pays for them, no pipe does
// (BENCH_SERVER_LOG=<path> writes them to <path>.<pid> instead).
// Prints "LISTENING <url>" once it accepts; SIGTERM shuts it down as serve does.
// Its settings come from the environment as serve's do: CONVEYOR_API_FAST_PATHS=false
// measures the API without its fast paths (src/api/fast/), as docs/benchmarks.md does.
import { pino } from "pino";
import type { Logger } from "../src/engine/ports.js";
import { InProcessExecutor } from "../src/executors/in-process.js";
import { createConveyor } from "../src/root.js";
import { sleep } from "./support.js";

const taskMs = Number(process.env.BENCH_TASK_MS ?? 20);
const logger: Logger = pino(
  { level: process.env.CONVEYOR_LOG_LEVEL ?? "info", base: { pid: process.pid } },
  pino.destination(process.env.BENCH_SERVER_LOG ? `${process.env.BENCH_SERVER_LOG}.${process.pid}` : "/dev/null"),
);
const noop = new InProcessExecutor(() => sleep(taskMs).then(() => 1));
const conveyor = await createConveyor({
  logger,
  executors: { noop: () => noop },
  api: { host: "127.0.0.1", port: 0 },
  ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
});
await conveyor.start();
process.stdout.write(`LISTENING ${conveyor.server!.url}\n`);

process.once("SIGTERM", () => {
  void conveyor.stop().then(() => process.exit(0));
});
