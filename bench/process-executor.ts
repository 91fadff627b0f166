// 8. The local process executor vs a bare spawn loop of the same command.
// N tasks running `true` through /bin/sh -c, in `parallel` lanes:
//  - bare: spawn('/bin/sh', ['-c', 'true']), stdio ignored, wait for close;
//  - bare keeping output: the same with stdout and stderr piped and read, as any runner must;
//  - executor: LocalProcessExecutor.execute (no engine, no store), through a Spawner
//    started before the store opened, as the app's own is;
//  - conveyor: a run of N independent tasks with the "local" executor, command "true".
// Each store kind runs in its own child process (bench/process-child.ts): fork()
// costs grow with the parent's memory, and an open PGlite makes the process big.
// The four are measured in ROUNDS rounds, each in a rotated order, and each
// reported as its median: on a shared machine, drift and bursts of noise then
// hit all four alike instead of deciding a ratio.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { App } from "../src/app.js";
import { LocalProcessExecutor } from "../src/executors/local-process.js";
import type { Spawner } from "../src/executors/spawner/spawner.js";
import { collectChild, log, median, noopSource, resultOf, spawnBenchChild, STORE_LABEL, timeRun, type StoreKind } from "./support.js";
import { nextPrefix } from "./throughput.js";

export interface ProcessResult {
  parallel: number;
  tasks: number;
  /** Medians over the rounds, ms. */
  bareMs: number;
  barePipesMs: number;
  executorMs: number;
  conveyorMs: number;
  conveyorStartRunMs: number;
  /** executor / bare: the target's ratio. */
  executorRatio: number;
  /** conveyor / bare: the whole run, engine and durable store included. */
  ratio: number;
  /** The bare loop in the same child before the store was opened. */
  bareNoStoreMs?: number;
}

const ROUNDS = 3;

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
    log(
      `  ${STORE_LABEL[kind]} mp=${r.parallel}: bare spawn without the store open ${r.bareNoStoreMs?.toFixed(0)} ms, with it ${r.bareMs.toFixed(0)} ms`,
    );
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
  await lanes(10, 2, execOne);
  for (const parallel of parallels) {
    const startRunMs: number[] = [];
    const conveyor = async () => {
      const t = await timeRun(app, {
        source: noopSource(n, nextPrefix(`proc${parallel}-`)),
        options: { executor: "local", command: "true", maxParallel: parallel, force: true },
      });
      if (t.status !== "succeeded") throw new Error(`process run ended ${t.status}`);
      startRunMs.push(t.startRunMs);
      return t.totalMs;
    };
    const variants = {
      bare: () => lanes(n, parallel, bareOne),
      executor: () => lanes(n, parallel, execOne),
      conveyor,
      barePipes: () => lanes(n, parallel, bareWithOutput),
    };
    const names = Object.keys(variants) as (keyof typeof variants)[];
    const walls = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<keyof typeof variants, number[]>;
    for (let round = 0; round < ROUNDS; round++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(round + j) % names.length]!;
        walls[name].push(await variants[name]());
      }
    }
    const [bareMs, executorMs, conveyorMs, barePipesMs] = names.map((k) => median(walls[k]));
    const r: ProcessResult = {
      parallel,
      tasks: n,
      bareMs: bareMs!,
      barePipesMs: barePipesMs!,
      executorMs: executorMs!,
      conveyorMs: conveyorMs!,
      conveyorStartRunMs: median(startRunMs),
      executorRatio: executorMs! / bareMs!,
      ratio: conveyorMs! / bareMs!,
    };
    const each = (k: keyof typeof variants) => `${k} ${walls[k].map((w) => w.toFixed(0)).join("/")}`;
    log(
      `  process mp=${parallel}: executor x${r.executorRatio.toFixed(2)}, conveyor x${r.ratio.toFixed(2)} (ms per round: ${names.map(each).join(", ")})`,
    );
    out.push(r);
  }
  return out;
}
