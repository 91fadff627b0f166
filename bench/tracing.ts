// T: what tracing costs. The no-op throughput run (in-process tasks, one run of
// N tasks) on two apps over one store, one with tracing off and one exporting
// every span over OTLP/HTTP (protobuf, the default; batched) to a receiver on loopback in this
// process, measured in turns (off, on, off, on) so both see the machine alike.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp, type App } from "../src/app.js";
import { silentLogger } from "../src/engine/ports.js";
import { InProcessExecutor } from "../src/executors/in-process.js";
import { openTracing } from "../src/observability/otel-tracing.js";
import { log, noopSource, timeRun, type BenchStore } from "./support.js";
import { nextPrefix, warmUp } from "./throughput.js";

export interface TracingRow {
  maxParallel: number;
  tasks: number;
  /** Best of the turns, tasks/s. */
  offTasksPerSec: number;
  onTasksPerSec: number;
  /** Bytes the receiver got for the traced runs. */
  bytes: number;
  /** This process's CPU per task (µs, least of the turns): steadier than tasks/s on a loaded machine. */
  offCpuUsPerTask: number;
  onCpuUsPerTask: number;
}

// best of several runs: one lasts well under a second, shorter than a loaded machine's moods
const TURNS = 4;

export async function measureTracing(store: BenchStore, tasks: number, parallels: number[]): Promise<TracingRow[]> {
  let bytes = 0;
  const receiver: Server = createServer((req, res) => {
    req.on("data", (c: Buffer) => (bytes += c.length));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`;
  const exec = new InProcessExecutor(() => 1);
  const open = async (traced: boolean): Promise<App> =>
    createApp({
      ...store.config,
      executors: { fn: () => exec },
      logger: silentLogger,
      recover: false,
      tracing: traced ? await openTracing({ url, protocol: "http/protobuf", serviceName: "conveyor-bench", timeoutMs: 10_000 }) : false,
    });
  const off = await open(false);
  const on = await open(true);
  try {
    await warmUp(off, "fn");
    await warmUp(on, "fn");
    const out: TracingRow[] = [];
    for (const maxParallel of parallels) {
      const best = { off: 0, on: 0 };
      const cpu = { off: Infinity, on: Infinity };
      const before = bytes;
      for (let turn = 0; turn < TURNS; turn++) {
        for (const [which, app] of [
          ["off", off],
          ["on", on],
        ] as const) {
          const source = noopSource(tasks, nextPrefix(`tr-${which}-`));
          const c0 = process.cpuUsage();
          const t = await timeRun(app, { source, options: { executor: "fn", maxParallel, force: true } });
          // the traced app's spans are serialized and sent within its run's time, as they would be
          if (which === "on") await on.tracing?.flush();
          const c = process.cpuUsage(c0);
          cpu[which] = Math.min(cpu[which], (c.user + c.system) / tasks);
          if (t.status !== "succeeded") throw new Error(`tracing run ended ${t.status}`);
          best[which] = Math.max(best[which], tasks / (t.totalMs / 1000));
        }
      }
      const row = {
        maxParallel,
        tasks,
        offTasksPerSec: best.off,
        onTasksPerSec: best.on,
        bytes: bytes - before,
        offCpuUsPerTask: cpu.off,
        onCpuUsPerTask: cpu.on,
      };
      log(
        `  mp=${maxParallel}: off ${row.offTasksPerSec.toFixed(0)} tasks/s ${cpu.off.toFixed(0)} µs CPU/task, ` +
          `on ${row.onTasksPerSec.toFixed(0)} tasks/s ${cpu.on.toFixed(0)} µs CPU/task (${(row.bytes / 1024).toFixed(0)} KiB of spans received)`,
      );
      out.push(row);
    }
    return out;
  } finally {
    await off.stop();
    await on.stop();
    await new Promise<void>((r) => receiver.close(() => r()));
  }
}

export function renderTracingTable(rows: TracingRow[] | undefined, errors: string[]): string {
  const lines: string[][] = [];
  for (const r of rows ?? []) {
    const slower = 1 - r.onTasksPerSec / r.offTasksPerSec;
    lines.push([
      `no-op run of ${r.tasks.toLocaleString("en-US")} tasks, maxParallel ${r.maxParallel}: tracing off → on (OTLP/HTTP protobuf to loopback, ${(r.bytes / 1024).toFixed(0)} KiB of spans)`,
      `${r.offTasksPerSec.toFixed(0)} → ${r.onTasksPerSec.toFixed(0)} tasks/s`,
      `${(100 * slower).toFixed(1)} % slower; CPU ${r.offCpuUsPerTask.toFixed(0)} → ${r.onCpuUsPerTask.toFixed(0)} µs/task`,
      "≤ 15 % slower",
      slower <= 0.15 ? "met" : "missed",
    ]);
  }
  for (const e of errors) lines.push([`FAILED: ${e}`, "", "", "", ""]);
  return [
    "| tracing (PostgreSQL) | measured | cost | target | verdict |",
    "|---|---|---|---|---|",
    ...lines.map((c) => `| ${c.join(" | ")} |`),
  ].join("\n");
}
