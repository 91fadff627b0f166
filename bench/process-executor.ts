// 8. The local process executor vs a bare spawn loop of the same command.
// N tasks running `true` through /bin/sh -c:
//  - bare: spawn('/bin/sh', ['-c', 'true']) in `parallel` lanes, stdio ignored, wait for close;
//  - executor alone: LocalProcessExecutor.execute in the same lanes (no engine, no store),
//    through a Spawner started before the store opened, as the app's own is;
//  - conveyor: a run of N independent tasks with the "local" executor, command "true".
// Each store kind runs in its own child process (bench/process-child.ts): fork()
// costs grow with the parent's memory, and an open PGlite makes the process big.
// Bare and Conveyor alternate A-B-B-A (drift on a shared machine hits both alike);
// ratio = (sum of the two Conveyor walls) / (sum of the two bare walls).
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { App } from "../src/app.js";
import { LocalProcessExecutor } from "../src/executors/local-process.js";
import type { Spawner } from "../src/executors/spawner/spawner.js";
import { collectChild, log, noopSource, resultOf, spawnBenchChild, STORE_LABEL, timeRun, type StoreKind } from "./support.js";
import { nextPrefix } from "./throughput.js";

export interface ProcessResult {
  parallel: number;
  tasks: number;
  /** Mean of the two bare passes. */
  bareMs: number;
  executorMs: number;
  /** Mean of the two Conveyor runs. */
  conveyorMs: number;
  conveyorStartRunMs: number;
  ratio: number;
  /** A bare loop that keeps the output, as the executor must: stdout and stderr piped and read. */
  barePipesMs: number;
  /** The same bare loop in the same child before the store was opened. */
  bareNoStoreMs?: number;
}

async function lanes(n: number, parallel: number, one: () => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        next++;
        await one();
      }
    }),
  );
  return performance.now() - t0;
}

/** One `/bin/sh -c true`, its output discarded, or (keepOutput) piped and read as the executor does. */
const bareSpawn = (keepOutput: boolean) => () =>
  new Promise<void>((resolve, reject) => {
    const c = spawn("/bin/sh", ["-c", "true"], { stdio: keepOutput ? ["ignore", "pipe", "pipe"] : "ignore" });
    c.stdout?.resume();
    c.stderr?.resume();
    c.once("error", reject);
    c.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
  });
const bareOne = bareSpawn(false);
const bareWithOutput = bareSpawn(true);

export const bareLoop = (n: number, parallel: number) => lanes(n, parallel, bareOne);

export async function measureProcessExecutor(kind: StoreKind, n: number, parallels: number[]): Promise<ProcessResult[]> {
  const child = spawnBenchChild("process-child", { BENCH_STORE_KIND: kind, BENCH_TASKS: String(n), BENCH_PARALLELS: parallels.join(",") });
  const { lines, stderr, code } = await collectChild(child, (line) => {
    if (!line.startsWith("RESULT ")) process.stderr.write(`${line}\n`);
  });
  if (code !== 0) throw new Error(`process child (${kind}) exited ${code}\n${stderr.slice(-3000)}`);
  process.stderr.write(stderr); // the child's progress lines
  const out = resultOf<ProcessResult[]>(lines, stderr, "process");
  for (const r of out) {
    log(`  ${STORE_LABEL[kind]} mp=${r.parallel}: bare spawn without the store open ${r.bareNoStoreMs?.toFixed(0)} ms, with it ${r.bareMs.toFixed(0)} ms`);
  }
  return out;
}

export async function compareWithBare(app: App, spawner: Spawner, n: number, parallels: number[]): Promise<ProcessResult[]> {
  const out: ProcessResult[] = [];
  const exec = new LocalProcessExecutor({ command: "true", launcher: spawner });
  const execOne = async () => {
    const o = await exec.execute({
      runId: "bench",
      taskId: "t",
      title: "t",
      definition: { id: "t" },
      attempt: 1,
      signal: new AbortController().signal,
    });
    if (!o.ok) throw new Error(`executor: ${o.error}`);
  };
  await lanes(10, 2, bareOne); // warm the spawn path
  const conveyor = async (parallel: number) => {
    const t = await timeRun(app, {
      source: noopSource(n, nextPrefix(`proc${parallel}-`)),
      options: { executor: "local", command: "true", maxParallel: parallel, force: true },
    });
    if (t.status !== "succeeded") throw new Error(`process run ended ${t.status}`);
    return t;
  };
  for (const parallel of parallels) {
    const bare1 = await lanes(n, parallel, bareOne);
    const c1 = await conveyor(parallel);
    const c2 = await conveyor(parallel);
    const bare2 = await lanes(n, parallel, bareOne);
    const executorMs = await lanes(n, parallel, execOne);
    const barePipesMs = await lanes(n, parallel, bareWithOutput);
    const bareMs = (bare1 + bare2) / 2;
    const conveyorMs = (c1.totalMs + c2.totalMs) / 2;
    const r = { parallel, tasks: n, bareMs, executorMs, barePipesMs, conveyorMs, conveyorStartRunMs: (c1.startRunMs + c2.startRunMs) / 2, ratio: conveyorMs / bareMs };
    log(
      `  process mp=${parallel}: bare ${bareMs.toFixed(0)} ms, executor alone ${executorMs.toFixed(0)} ms, ` +
        `bare keeping output ${barePipesMs.toFixed(0)} ms, conveyor ${conveyorMs.toFixed(0)} ms (x${r.ratio.toFixed(2)}; A-B-B-A: ${bare1.toFixed(0)}, ${c1.totalMs.toFixed(0)}, ${c2.totalMs.toFixed(0)}, ${bare2.toFixed(0)})`,
    );
    out.push(r);
  }
  return out;
}
