// API 3: run(id){progress} over HTTP POST /graphql from many concurrent clients
// (keep-alive, one socket each) while a run of no-op tasks goes on, the server
// in a child process on a fresh PostgreSQL database.
// Latency = request written → response body parsed, in this process.
// Two load shapes: closed loop (each client sends its next query as soon as the
// previous one is answered: the server's saturation point), and polling (each
// client asks once per `pollMs`, like a dashboard: a fixed offered rate).
import { performance } from "node:perf_hooks";
import { cancelRun, cpuWindow, graphql, keepAlive, openServers, startNoopRun, type CpuShare } from "./api-harness.js";
import { pace, share } from "./api-events.js";
import { log, quantile, sleep } from "./support.js";

/** How many clients ask how often, for how long: the load both the real and the bare server get. */
export interface LoadShape {
  clients: number;
  /** 0 = closed loop; else each client's query interval. */
  pollMs: number;
  warmupMs: number;
  durationMs: number;
}

export interface ProgressScenario extends LoadShape {
  tasks: number;
  /** Run event rate wanted (see pace()). */
  eventsPerSec: number;
  /** "progress", or "typename" (`{ __typename }`: the same HTTP and GraphQL path without resolving anything, as a reference). */
  query: "progress" | "typename";
}

export interface LoadFigures {
  queries: number;
  queriesPerSec: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
  /** The first failures' messages. */
  failureSample: string[];
  clientCpu: CpuShare;
  serverCpu: CpuShare;
}

export interface ProgressResult extends ProgressScenario, LoadFigures {
  /** Settled tasks at the window's start and end (the run went on throughout if end < total). */
  settledFrom: number;
  settledTo: number;
  rssPeak: number;
}

export const QUERY = `query($id: ID!) { run(id: $id) { progress {
  percent total settled counts { pending running succeeded failed } throughputPerSec etaSeconds } } }`;
type Answer = { run: { progress: { settled: number; total: number } } | null };
const REFERENCE = "{ __typename }";

/** `clients` sending `load()`; warm-up, then `windowStart()`, then the measured window. */
export async function queryLoad(
  s: LoadShape,
  serverPid: number,
  load: () => Promise<unknown>,
  windowStart: () => Promise<void> = async () => {},
): Promise<LoadFigures> {
  const latencies: number[] = [];
  let failures = 0;
  const failureSample: string[] = [];
  let measuring = false;
  let stopping = false;
  const client = async (i: number) => {
    // spread the pollers' phases over the interval
    if (s.pollMs > 0) await sleep((i * s.pollMs) / s.clients);
    while (!stopping) {
      const t = performance.now();
      // a query counts if it was sent in the window (one sent in the warm-up may end in it)
      const counted = measuring;
      try {
        await load();
        if (counted) latencies.push(performance.now() - t);
      } catch (err) {
        if (counted && failures++ < 3) failureSample.push(String(err).slice(0, 200));
      }
      if (s.pollMs > 0) await sleep(Math.max(0, s.pollMs - (performance.now() - t)));
    }
  };
  const clients = Array.from({ length: s.clients }, (_, i) => client(i));
  await sleep(s.warmupMs);
  await windowStart();
  const serverCpu = cpuWindow(serverPid);
  const clientCpu = cpuWindow(process.pid);
  const t0 = performance.now();
  measuring = true;
  await sleep(s.durationMs);
  measuring = false;
  const wallSec = (performance.now() - t0) / 1000;
  const clientShare = clientCpu();
  const serverShare = serverCpu();
  // the queries sent in the window finish
  stopping = true;
  await Promise.all(clients);
  const r: LoadFigures = {
    queries: latencies.length,
    queriesPerSec: latencies.length / wallSec,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    // not Math.max(...): a window can hold more samples than a call takes arguments
    max: latencies.reduce((a, b) => Math.max(a, b), 0),
    failures,
    failureSample,
    clientCpu: clientShare,
    serverCpu: serverShare,
  };
  return r;
}

/** The log line's part about the load. */
export const loadLine = (r: LoadShape & LoadFigures) =>
  `${r.clients} clients ${r.pollMs ? `polling every ${r.pollMs} ms` : "closed loop"}: ${r.queries} queries, ${r.queriesPerSec.toFixed(0)}/s, ` +
  `p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms max ${r.max.toFixed(0)} ms, ${r.failures} failed${r.failureSample.length ? ` (${r.failureSample.join("; ")})` : ""}; ` +
  `CPU (waited) clients ${share(r.clientCpu)}, server ${share(r.serverCpu)}`;

export async function measureProgress(s: ProgressScenario): Promise<ProgressResult> {
  const { maxParallel, taskMs } = pace(s.eventsPerSec);
  const { servers, dispose } = await openServers(1, taskMs);
  const server = servers[0]!;
  const agent = keepAlive(s.clients + 2);
  try {
    const runId = await startNoopRun(agent, server.url, s.tasks, maxParallel);
    const ask = () => graphql<Answer>(agent, server.url, QUERY, { id: runId });
    const load = s.query === "progress" ? ask : () => graphql(agent, server.url, REFERENCE);
    let settledFrom = -1;
    const figures = await queryLoad(s, server.pid, load, async () => {
      settledFrom = (await ask()).run?.progress.settled ?? -1;
      server.resetPeak();
    });
    const rssPeak = server.windowPeakRss();
    const settledTo = (await ask()).run?.progress.settled ?? -1;
    const r: ProgressResult = { ...s, ...figures, settledFrom, settledTo, rssPeak };
    log(`  ${s.query === "progress" ? "progress" : REFERENCE}, ${loadLine(r)}; run settled ${settledFrom} → ${settledTo} of ${s.tasks}`);
    await cancelRun(agent, server.url, runId).catch(() => undefined);
    return r;
  } finally {
    agent.destroy();
    await dispose();
  }
}
