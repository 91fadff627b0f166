// L. Live task logs, on PostgreSQL, in this process:
//  - cost: a run of N no-op local tasks (`true`) with maxParallel P, alone and
//    with one more task printing 10 MiB/s of 64-byte lines for the whole run,
//    unwatched and watched (a taskLogs subscriber on the same server, in a
//    process of its own as a browser is: log-watcher-child.ts); tasks/s of the
//    others, each shape measured ROUNDS times in rotation, medians.
//    For reference, the same noisy task writing to /dev/null: what its own CPU
//    costs the others on this machine, with no byte through Conveyor;
//  - latency: a task printing its clock every 10 ms; each line's arrival at a
//    taskLogs subscriber (graphql-ws) on the same server, and on a second
//    replica (its own app, store connection and RedisBus) when the run is
//    driven by the first, so every line crosses Redis.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { serverConfig } from "../src/api/config.js";
import { startApiServer, type ApiServer } from "../src/api/server.js";
import { createApp, type App } from "../src/app.js";
import { inlineSource } from "../src/core/taskmaster/index.js";
import { silentLogger } from "../src/engine/ports.js";
import { topics } from "../src/engine/topics.js";
import { RedisBus } from "../src/pubsub/redis-bus.js";
import { REDIS_URL } from "./bullmq.js";
import { follow, logClient } from "./log-follow.js";
import { collectChild, freshStore, log, median, quantile, resultOf, sleep, spawnBenchChild } from "./support.js";

export interface LogCostRow {
  shape: "alone" | "noisy, to /dev/null" | "noisy, unwatched" | "noisy, watched";
  tasksPerSec: number;
  /** What the noisy task wrote, MB/s (its own count; the pipe holds it back if the reader falls behind). */
  noisyMBps?: number;
  /** Lines the watcher got and lines it was told were dropped. */
  watchedLines?: number;
  watchedDropped?: number;
  /** Dropped markers among the items it got (each one GraphQL item, as each line is). */
  watchedMarkers?: number;
}

export interface LogLatencyRow {
  where: "same server" | "replica over Redis";
  lines: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LogBenchResult {
  tasks: number;
  maxParallel: number;
  cost: LogCostRow[];
  latency: LogLatencyRow[];
}

const ROUNDS = 5;
const RATE = 10 * 1024 * 1024;

/** Prints 64-byte lines at RATE bytes/s until killed, writing its byte count to `countFile` now and then. */
const noisyCommand = (countFile: string) =>
  `exec node -e 'const fs=require("fs");const c=("x".repeat(63)+"\\n").repeat(1600);let sent=0,last=0;const t0=Date.now();` +
  `function count(){const now=Date.now();if(now-last>200&&sent>0){last=now;fs.writeFileSync(${JSON.stringify(countFile)},JSON.stringify({sent,ms:now-t0}))}}` +
  `function tick(){const due=(Date.now()-t0)/1000*${RATE};while(sent<due){sent+=c.length;count();if(!process.stdout.write(c)){process.stdout.once("drain",tick);return}}` +
  `count();setTimeout(tick,5)}tick()'`;

/** Prints `Date.now()` every 10 ms, `n` times, after `waitMs`. */
const clockCommand = (n: number, waitMs: number) =>
  `exec node -e 'let i=0;setTimeout(()=>{const t=setInterval(()=>{console.log(String(Date.now()));if(++i>=${n})clearInterval(t)},10)},${waitMs})'`;

const wsUrl = (api: ApiServer) => `${api.url.replace(/^http/, "ws")}/graphql`;

let runNo = 0;

async function costRound(app: App, api: ApiServer, shape: LogCostRow["shape"], n: number, maxParallel: number): Promise<LogCostRow> {
  const prefix = `c${++runNo}-`;
  const dir = mkdtempSync(join(tmpdir(), "conveyor-bench-logs-"));
  const countFile = join(dir, "count.json");
  const tasks: { id: string; dependencies: string[]; command: string }[] = [];
  // the others wait behind a gate until the noisy task prints (its count file appears), so it prints all the while they run
  if (shape !== "alone")
    tasks.push({
      id: `${prefix}noisy`,
      dependencies: [],
      command: noisyCommand(countFile) + (shape === "noisy, to /dev/null" ? " >/dev/null" : ""),
    });
  else writeFileSync(countFile, "{}");
  // watched: the others also wait until the watcher (a process of its own) has subscribed
  const watchFile = join(dir, shape === "noisy, watched" ? "watching" : "count.json");
  tasks.push({
    id: `${prefix}gate`,
    dependencies: [],
    command: `while [ ! -s ${countFile} ] || [ ! -e ${watchFile} ]; do sleep 0.02; done`,
  });
  for (let i = 0; i < n; i++) tasks.push({ id: `${prefix}${i}`, dependencies: [`${prefix}gate`], command: "true" });
  const others = new Set(tasks.filter((t) => !t.id.endsWith("noisy") && !t.id.endsWith("gate")).map((t) => t.id));
  const count = (): { sent: number; ms: number } | undefined => {
    try {
      return JSON.parse(readFileSync(countFile, "utf8")) as { sent: number; ms: number };
    } catch {
      return undefined; // being rewritten
    }
  };
  const { runId } = await app.engine.startRun({
    source: inlineSource(tasks),
    options: { executor: "local", maxParallel: maxParallel + (shape === "alone" ? 0 : 1), force: true },
  });
  let t0 = performance.now();
  let countAtStart: { sent: number; ms: number } | undefined;
  let done = 0;
  // the watcher is a process of its own, as a browser is: the client's half of every message is not the server's
  const watcher =
    shape === "noisy, watched"
      ? spawnBenchChild("log-watcher-child", {
          BENCH_WS_URL: wsUrl(api),
          BENCH_RUN_ID: runId,
          BENCH_TASK_ID: `${prefix}noisy`,
        })
      : undefined;
  const watched = watcher
    ? collectChild(watcher, (line) => {
        // subscribed: its first lines are on their way; the others may start
        if (line === "READY") setTimeout(() => writeFileSync(watchFile, ""), 100);
      })
    : undefined;
  const tEnd = await new Promise<number>((resolve) => {
    const off = app.engine.bus.subscribe(topics.runEvents(runId), (events) => {
      for (const e of events) {
        if (e.type === "task.succeeded" && e.taskId === `${prefix}gate`) {
          t0 = performance.now();
          countAtStart = count();
        }
        if (e.type === "task.succeeded" && others.has(e.taskId ?? "") && ++done === n) {
          off();
          resolve(performance.now());
        }
      }
    });
  });
  let noisyMBps: number | undefined;
  if (shape !== "alone") {
    await sleep(250); // its next count
    const c = count();
    noisyMBps =
      c && countAtStart && c.ms > countAtStart.ms ? (c.sent - countAtStart.sent) / 2 ** 20 / ((c.ms - countAtStart.ms) / 1000) : NaN;
    await app.engine.steer(runId, { action: "cancel", reason: "benchmark over" });
  }
  await app.engine.waitForRun(runId);
  const seen = watched && (await watched);
  rmSync(dir, { recursive: true, force: true });
  const counts = seen && resultOf<{ lines: number; dropped: number; markers: number }>(seen.lines, seen.stderr, "the log watcher");
  return {
    shape,
    tasksPerSec: n / ((tEnd - t0) / 1000),
    ...(noisyMBps !== undefined ? { noisyMBps } : {}),
    ...(counts ? { watchedLines: counts.lines, watchedDropped: counts.dropped, watchedMarkers: counts.markers } : {}),
  };
}

async function latency(driver: App, api: ApiServer, where: LogLatencyRow["where"], lines: number): Promise<LogLatencyRow> {
  const id = `lat${++runNo}`;
  const { runId } = await driver.engine.startRun({
    source: inlineSource([{ id, dependencies: [], command: clockCommand(lines, 1_500) }]),
    options: { executor: "local", force: true },
  });
  const client = logClient(wsUrl(api));
  const delays: number[] = [];
  await follow(client, runId, id, (i) => {
    if (i.text !== null && /^\d{13}$/.test(i.text)) delays.push(Date.now() - Number(i.text));
  });
  await client.dispose();
  await driver.engine.waitForRun(runId);
  return { where, lines: delays.length, p50: quantile(delays, 0.5), p99: quantile(delays, 0.99), max: Math.max(...delays) };
}

export async function measureLiveLogs(opts: { tasks: number; maxParallel: number; latencyLines: number }): Promise<LogBenchResult> {
  const store = await freshStore("postgres");
  const apps: App[] = [];
  const servers: ApiServer[] = [];
  try {
    const busA = new RedisBus(REDIS_URL, { prefix: `bench-logs-${process.pid}:` });
    const busB = new RedisBus(REDIS_URL, { prefix: `bench-logs-${process.pid}:` });
    const a = await createApp({ ...store.config, bus: busA, logger: silentLogger, recover: false });
    apps.push(a);
    const b = await createApp({ ...store.config, bus: busB, logger: silentLogger, recover: false });
    apps.push(b);
    const config = serverConfig({ port: 0, tokens: [], host: "127.0.0.1" });
    const apiA = await startApiServer({ app: a, logger: silentLogger }, config);
    servers.push(apiA);
    const apiB = await startApiServer({ app: b, logger: silentLogger }, config);
    servers.push(apiB);
    await a.engine.store.listAttempts("warm-up", 0); // Prisma's first plan of the query
    await b.engine.store.listAttempts("warm-up", 0);

    const shapes: LogCostRow["shape"][] = ["alone", "noisy, to /dev/null", "noisy, unwatched", "noisy, watched"];
    const rounds = new Map<LogCostRow["shape"], LogCostRow[]>(shapes.map((s) => [s, []]));
    await costRound(a, apiA, "alone", Math.min(50, opts.tasks), opts.maxParallel); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < shapes.length; k++) {
        const shape = shapes[(k + r) % shapes.length]!;
        const row = await costRound(a, apiA, shape, opts.tasks, opts.maxParallel);
        log(
          `  logs ${shape}: ${row.tasksPerSec.toFixed(0)} tasks/s${row.noisyMBps !== undefined ? `, noisy ${row.noisyMBps.toFixed(1)} MB/s` : ""}${row.watchedLines !== undefined ? `, watcher ${row.watchedLines} lines + ${row.watchedDropped} dropped in ${row.watchedMarkers} markers` : ""}`,
        );
        rounds.get(shape)!.push(row);
        await sleep(200);
      }
    }
    const cost = shapes.map((shape) => {
      const rs = rounds.get(shape)!;
      const med = median(rs.map((x) => x.tasksPerSec));
      const pick = rs.find((x) => x.tasksPerSec === med) ?? rs[0]!;
      return { ...pick, tasksPerSec: med };
    });
    const latencyRows = [
      await latency(a, apiA, "same server", opts.latencyLines),
      await latency(a, apiB, "replica over Redis", opts.latencyLines),
    ];
    for (const l of latencyRows)
      log(`  logs latency ${l.where}: p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms over ${l.lines} lines`);
    return { tasks: opts.tasks, maxParallel: opts.maxParallel, cost, latency: latencyRows };
  } finally {
    for (const s of servers) await s.close().catch(() => undefined);
    for (const app of apps) await app.stop().catch(() => undefined);
    await store.dispose();
    await sleep(0);
  }
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 1 : 0)} ms` : "–");
const word = (ok: boolean) => (ok ? "**met**" : "**not met**");

export function renderLogsTable(r: LogBenchResult | undefined, errors: string[]): string {
  const rows: string[][] = [];
  if (r) {
    const alone = r.cost.find((c) => c.shape === "alone")!;
    for (const c of r.cost) {
      const slow = 1 - c.tasksPerSec / alone.tasksPerSec;
      const what =
        c.shape === "alone"
          ? `no-op local tasks/s of a ${r.tasks}-task run, maxParallel ${r.maxParallel}, alone`
          : c.shape === "noisy, to /dev/null"
            ? `the same with one more task printing ${c.noisyMBps?.toFixed(1)} MiB/s of 64-byte lines to /dev/null (nothing through Conveyor: its own CPU's cost)`
            : `the same with one more task printing ${c.noisyMBps?.toFixed(1)} MiB/s of 64-byte lines, ${c.shape.replace("noisy, ", "")}` +
              (c.watchedLines !== undefined
                ? ` (its subscriber: ${c.watchedLines.toLocaleString("en-US")} lines, ${c.watchedDropped!.toLocaleString("en-US")} dropped visibly)`
                : "");
      const judged = c.shape === "noisy, unwatched" || c.shape === "noisy, watched";
      rows.push([
        what,
        `${c.tasksPerSec.toFixed(0)} tasks/s`,
        c.shape === "alone" ? "" : `${(100 * slow).toFixed(1)} % slower`,
        judged ? "≤ 10 % slower" : "",
        judged ? word(slow <= 0.1) : "",
      ]);
    }
    for (const l of r.latency) {
      const target = l.where === "same server" ? 200 : 300;
      rows.push([
        `a line printed → a taskLogs subscriber, ${l.where} (${l.lines} lines, 10 ms apart)`,
        `p50 ${ms(l.p50)}, p99 ${ms(l.p99)}`,
        `max ${ms(l.max)}`,
        `p99 ≤ ${target} ms`,
        word(l.p99 <= target),
      ]);
    }
  }
  for (const e of errors) rows.push([`FAILED: ${e}`, "", "", "", ""]);
  return [
    "| live task logs (PostgreSQL) | measured | beside it | target | verdict |",
    "|---|---|---|---|---|",
    ...rows.map((c) => `| ${c.join(" | ")} |`),
  ].join("\n");
}
