// A Conveyor process for crash and lease tests, driven by env:
//   CHILD_MODE=start   start a run of CHILD_TASKS chained-in-groups tasks and drive it
//   CHILD_MODE=recover take over interrupted runs (polling until one is free) and finish them
// Store from CONVEYOR_DATA_DIR or DATABASE_URL. Each task appends its id to CHILD_EXEC_LOG
// (executions are at least once) and the process prints "RUN <id>" and, once each success is
// committed, "DONE <n> <task id>".
// CHILD_COMPILED=1 loads Conveyor from dist/ (childRun() sets it when dist/ is current).
import { appendFileSync } from "node:fs";

const code = process.env.CHILD_COMPILED === "1" ? "../../dist/src" : "../../src";
const { createApp } = (await import(`${code}/app.js`)) as typeof import("../../src/app.js");
const { inlineSource } = (await import(`${code}/core/taskmaster/index.js`)) as typeof import("../../src/core/taskmaster/index.js");
const { topics } = (await import(`${code}/engine/topics.js`)) as typeof import("../../src/engine/topics.js");
const { InProcessExecutor } = (await import(`${code}/executors/in-process.js`)) as typeof import("../../src/executors/in-process.js");

const env = process.env;
const log = env.CHILD_EXEC_LOG!;
const taskMs = Number(env.CHILD_TASK_MS ?? "2");
const executor = new InProcessExecutor(async (req) => {
  await new Promise((r) => setTimeout(r, taskMs));
  appendFileSync(log, `${req.taskId}\n`);
  return { by: process.pid };
});
const app = await createApp({
  ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.CONVEYOR_DATA_DIR! }),
  executors: { fn: () => executor },
  leaseMs: Number(env.CHILD_LEASE_MS ?? "1000"),
  recover: false,
});

let done = 0;
const follow = (runId: string) =>
  app.engine.bus.subscribe(topics.runEvents(runId), (events) => {
    for (const e of events) if (e.type === "task.succeeded") process.stdout.write(`DONE ${++done} ${e.taskId}\n`);
  });

if (env.CHILD_MODE === "start") {
  const n = Number(env.CHILD_TASKS ?? "1000");
  // groups of 10: each task waits for the one before it in its group
  const tasks = Array.from({ length: n }, (_, i) => ({ id: `c${i}`, dependencies: i % 10 ? [`c${i - 1}`] : [] }));
  const { runId } = await app.engine.startRun({
    source: inlineSource(tasks),
    options: { executor: "fn", maxParallel: Number(env.CHILD_PARALLEL ?? "8"), force: true },
  });
  follow(runId);
  process.stdout.write(`RUN ${runId}\n`);
  await app.engine.waitForRun(runId);
} else {
  let ids: string[] = [];
  while (ids.length === 0) {
    ids = await app.engine.recoverOrphans();
    if (ids.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  for (const id of ids) {
    follow(id);
    process.stdout.write(`RECOVERED ${id}\n`);
  }
  for (const id of ids) await app.engine.waitForRun(id);
}
await app.stop();
process.stdout.write("EXIT\n");
