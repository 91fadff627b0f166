// Child of bench/resume.ts, two roles (BENCH_ROLE):
//   start:   starts a run of BENCH_TASKS independent tasks of BENCH_TASK_MS each at
//            maxParallel 8 and prints "DONE <succeeded so far>" after every commit,
//            until the parent SIGKILLs it;
//   recover: a new process: opens the store, recoverOrphans(), and measures from its
//            own process start (performance.timeOrigin) to the first executor
//            invocation; prints "RESULT {json}" with the phases, then stops.
// No static imports: module loading is one of the measured phases.
const t = { top: performance.now() } as Record<string, number>;
const env = process.env;
const role = env.BENCH_ROLE;
const storeConfig = env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.CONVEYOR_DATA_DIR! };

const [{ createApp }, { InProcessExecutor }, { silentLogger }, { topics }, { inlineSource }, { RECOVERY_CALLS, timeStoreCalls }] =
  await Promise.all([
    import("../src/app.js"),
    import("../src/executors/in-process.js"),
    import("../src/engine/ports.js"),
    import("../src/engine/topics.js"),
    import("../src/core/taskmaster/index.js"),
    import("./store-calls.js"),
  ]);
t.imported = performance.now();
const taskMs = Number(env.BENCH_TASK_MS ?? "2");
let first: ((at: number) => void) | null = null;
const executor = new InProcessExecutor(async () => {
  if (first) {
    first(performance.now());
    first = null;
  }
  await new Promise((r) => setTimeout(r, taskMs));
  return 1;
});

const app = await createApp({
  ...storeConfig,
  executors: { fn: () => executor },
  logger: silentLogger,
  leaseMs: Number(env.BENCH_LEASE_MS ?? "1000"),
  recover: false,
});
t.opened = performance.now();

if (role === "start") {
  const n = Number(env.BENCH_TASKS);
  const tasks = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `slow ${i}`, dependencies: [] as string[] }));
  const { runId } = await app.engine.startRun({
    source: inlineSource(tasks),
    options: { executor: "fn", maxParallel: 8, force: true },
  });
  let done = 0;
  app.engine.bus.subscribe(topics.runEvents(runId), (events) => {
    for (const e of events) if (e.type === "task.succeeded") done++;
    process.stdout.write(`DONE ${done}\n`);
  });
  process.stdout.write(`RUN ${runId}\n`);
  await app.engine.waitForRun(runId);
  process.stdout.write("FINISHED\n");
  await app.stop();
} else {
  // time every store call made until the first dispatch
  const calls = timeStoreCalls(app.engine.store, RECOVERY_CALLS, () => first !== null);
  const firstAt = new Promise<number>((r) => (first = r));
  const ids = await app.engine.recoverOrphans();
  t.recovered = performance.now();
  if (ids.length !== 1) throw new Error(`expected one orphaned run, found ${ids.length}`);
  t.firstDispatch = await firstAt;
  const run = await app.engine.store.getRun(ids[0]!);
  process.stdout.write(
    `RESULT ${JSON.stringify({ phases: t, calls: Object.fromEntries(Object.entries(calls).map(([k, c]) => [k, c.ms])), runId: ids[0], total: run?.total, succeededBefore: run?.succeeded })}\n`,
  );
  await app.stop();
}
