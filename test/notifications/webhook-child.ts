// A Conveyor process for the webhook crash test: its endpoints come from CONVEYOR_WEBHOOKS
// (the environment, as in production), it runs one small run to its end, prints
// "RUN <id>" and goes on sending deliveries until it is killed.
import { createApp } from "../../src/app.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { silentLogger } from "../../src/engine/ports.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";

const env = process.env;
const app = await createApp({
  ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.CONVEYOR_DATA_DIR! }),
  executors: { fn: () => new InProcessExecutor(() => "ok") },
  recover: false,
  logger: silentLogger,
});
await app.start();
const { runId } = await app.engine.startRun({ source: inlineSource(["a", "b"]), options: { executor: "fn" } });
await app.engine.waitForRun(runId);
process.stdout.write(`RUN ${runId}\n`);
setInterval(() => undefined, 1_000);
