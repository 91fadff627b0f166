// Child of bench/active-runs.ts, two roles (BENCH_ROLE):
//   start:   starts BENCH_RUNS runs of one task each whose task never ends (a long
//            task), and prints "HEAP {json}" once every task runs (heap after GC,
//            against the app's before any run), then "UPKEEP {json}" after
//            BENCH_WINDOW_MS of doing nothing but keeping them (its CPU over the
//            window); then waits for the parent's SIGKILL;
//   recover: a new process on the same store: recovers the orphans at start and
//            prints "DRIVEN {json}" once every run's task runs again (ms from its own
//            process start, and from the store being open).
// The lease is the app's default, as a deployment has it.
const env = process.env;
const role = env.BENCH_ROLE;
const runs = Number(env.BENCH_RUNS);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

const [{ createApp }, { InProcessExecutor }, { silentLogger }, { inlineSource }, { RECOVERY_CALLS, timeStoreCalls }] = await Promise.all([
  import("../src/app.js"),
  import("../src/executors/in-process.js"),
  import("../src/engine/ports.js"),
  import("../src/core/taskmaster/index.js"),
  import("./store-calls.js"),
]);

let running = 0;
let allRunning: () => void = () => undefined;
const everyTaskRuns = new Promise<void>((r) => (allRunning = r));
// a task that ends only with the process
const executor = new InProcessExecutor(() => {
  if (++running === runs) allRunning();
  return new Promise<number>(() => undefined);
});

const app = await createApp({
  databaseUrl: env.DATABASE_URL!,
  executors: { hold: () => executor },
  logger: silentLogger,
  recover: role === "recover",
});
const opened = performance.now();

if (role === "start") {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const tasks = [{ id: "1", title: "long task", dependencies: [] as string[] }];
  // started in waves, as callers would: the figure is what keeping them costs
  for (let k = 0; k < runs; k += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, runs - k) }, () =>
        app.engine.startRun({ source: inlineSource(tasks), options: { executor: "hold", force: true } }),
      ),
    );
  }
  await everyTaskRuns;
  await new Promise((r) => setTimeout(r, 500));
  gc();
  const mem = process.memoryUsage();
  process.stdout.write(
    `HEAP ${JSON.stringify({ heapPerRun: (mem.heapUsed - heapBefore) / runs, rssPerRun: (mem.rss - rssBefore) / runs, heapUsed: mem.heapUsed })}\n`,
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, Number(env.BENCH_WINDOW_MS ?? "30000")));
  const cpu = process.cpuUsage(cpu0);
  const sec = (performance.now() - t0) / 1000;
  process.stdout.write(`UPKEEP ${JSON.stringify({ cpuShare: (cpu.user + cpu.system) / 1e6 / sec, windowSec: sec })}\n`);
} else {
  // the store calls recovery makes, timed, for the row's breakdown
  const calls = timeStoreCalls(app.engine.store, [...RECOVERY_CALLS, "leasedRuns"]);
  await app.start();
  await everyTaskRuns;
  const now = performance.now();
  process.stdout.write(`DRIVEN ${JSON.stringify({ fromProcessStart: now, fromStoreOpen: now - opened, calls })}\n`);
  await app.stop();
  process.exit(0);
}
