// A Conveyor process for the webhook tests across processes; its webhook settings come from
// the environment (CONVEYOR_WEBHOOKS, CONVEYOR_WEBHOOK_*), as in production.
//   WEBHOOK_CHILD=run   runs one small run to its end, prints "RUN <id>", then goes on sending
//   WEBHOOK_CHILD=send  only sends deliveries (a replica), after printing "READY <owner>"
// Either way it runs until it is killed.
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
if (env.WEBHOOK_CHILD === "send") {
  process.stdout.write(`READY ${app.engine.owner}\n`);
} else {
  const { runId } = await app.engine.startRun({ source: inlineSource(["a", "b"]), options: { executor: "fn" } });
  await app.engine.waitForRun(runId);
  process.stdout.write(`RUN ${runId}\n`);
}
setInterval(() => undefined, 1_000);
