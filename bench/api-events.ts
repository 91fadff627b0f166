// API 1 and 2: many runEvents subscribers over graphql-ws on one run of no-op
// tasks started through the startRun mutation, the server(s) in child processes
// on a fresh PostgreSQL database. With two replicas (and Redis) the run is
// started on A and every subscriber is on B, so each event crosses Redis.
//
// The run is paced by the task length and maxParallel to about `eventsPerSec`
// (2 events per task: task.started, task.succeeded); the rate it really had comes
// from the run's own record (lastSeq over its time). Subscribers get `windowMs` from startRun;
// what is not delivered by then counts as missing (delivered / expected).
// With CONVEYOR_BENCH_API_BATCHES=1 (or `batches` set) they subscribe to
// runEventBatches instead: each event of a list counts as one delivery, with the
// same latency (the list's receipt − that event's `at`).
import { Agent } from "node:http";
import { performance } from "node:perf_hooks";
import { cancelRun, cpuWindow, openServers, runRecord, startNoopRun, type CpuShare } from "./api-harness.js";
import { SubscriberSwarm, type EventSubscription } from "./api-swarm.js";
import { log } from "./support.js";

export interface EventsScenario {
  replicas: 1 | 2;
  subscribers: number;
  tasks: number;
  /** Wanted run event rate. */
  eventsPerSec: number;
  /** Subscribers get this long from startRun; then they disconnect and the run, if still going, is cancelled. */
  windowMs: number;
  /** runEventBatches instead of runEvents (default: CONVEYOR_BENCH_API_BATCHES=1). */
  batches?: boolean;
}

/** What the subscribers saw, the same for a real server and the bare one. */
export interface SwarmFigures {
  /** `next` messages, summed over subscribers. */
  messages: number;
  /** Deliveries summed over subscribers, and per second from the stream's start to the last delivery. */
  delivered: number;
  deliveredPerSec: number;
  allFinished: boolean;
  /** subscribe sent → every subscriber had its first event (set-up and catch-up; not in the latency). */
  setupMs: number;
  /** Subscribers that had at least one event in the window. */
  withEvents: number;
  /** Every delivery of an event recorded after subscribing (set-up and catch-up included): p50, p99. */
  allP50: number;
  allP99: number;
  /** Deliveries in the steady-state latency sample, and its quantiles. */
  samples: number;
  p50: number;
  p99: number;
  max: number;
  disorders: number;
  errors: string[];
  /** CPU in the window: this process (the clients). */
  clientCpu: CpuShare;
  /** CPU time of the subscribers' server over the window, per delivery (µs): the fan-out's unit cost. */
  cpuPerDeliveryUs: number;
}

export function swarmFigures(
  swarm: SubscriberSwarm,
  o: { afterStart: number; allFinished: boolean; clientCpu: CpuShare; serverCpu: CpuShare; windowSec: number },
): SwarmFigures {
  return {
    messages: swarm.messages,
    delivered: swarm.delivered,
    deliveredPerSec: swarm.delivered / Math.max(0.001, (swarm.lastDelivery - o.afterStart) / 1000),
    allFinished: o.allFinished,
    setupMs: swarm.setupMs,
    withEvents: swarm.started,
    allP50: swarm.latencyAll.quantile(0.5),
    allP99: swarm.latencyAll.quantile(0.99),
    samples: swarm.latency.count,
    p50: swarm.latency.quantile(0.5),
    p99: swarm.latency.quantile(0.99),
    max: swarm.latency.max,
    disorders: swarm.disorders,
    errors: swarm.errors.slice(0, 5),
    clientCpu: o.clientCpu,
    cpuPerDeliveryUs: (1e6 * o.serverCpu.cpu * o.windowSec) / Math.max(1, swarm.delivered),
  };
}

/** The log line's part about what the subscribers saw. */
export const swarmLine = (r: SwarmFigures & { expected: number }) =>
  `delivered ${r.delivered}/${r.expected} at ${r.deliveredPerSec.toFixed(0)}/s, all p50 ${r.allP50} ms p99 ${r.allP99} ms, ` +
  `set-up ${r.setupMs.toFixed(0)} ms (${r.withEvents} had events), steady p50 ${r.p50} ms p99 ${r.p99} ms max ${r.max} ms (${r.samples} samples), ` +
  `disorders ${r.disorders}, CPU (waited) clients ${share(r.clientCpu)}`;

export interface EventsResult extends EventsScenario, SwarmFigures {
  maxParallel: number;
  taskMs: number;
  subscription: EventSubscription;
  runStatus: string;
  /** Events the run recorded by the window's end, and per second from its start to its end (or the window's). */
  runEvents: number;
  runEventsPerSec: number;
  expected: number;
  /** CPU in the window of each server. */
  serverCpu: CpuShare[];
  /** The longest list one message carried. */
  maxBatch: number;
  /** Subscriptions dropped by the server for falling behind (each resubscribed with `after`). */
  dropped: number;
  /** The longest delivery after subscribing. */
  allMax: number;
  /** Events the furthest-behind subscriber had not received when the window ended. */
  behindAtEnd: number;
  /** Server RSS: idle with the subscribers connected, peak in the window (sampled), VmHWM at the end. */
  rssIdle: number;
  rssPeak: number;
  rssHwm: number;
}

/** Task length and parallelism for about `eventsPerSec` (2 events per task). */
export function pace(eventsPerSec: number): { maxParallel: number; taskMs: number } {
  const tasksPerSec = eventsPerSec / 2;
  if (tasksPerSec <= 50) return { maxParallel: 1, taskMs: Math.round(1000 / tasksPerSec) };
  return { maxParallel: Math.round(tasksPerSec / 50), taskMs: 20 };
}

export const share = (c: CpuShare) => `${(100 * c.cpu).toFixed(0)}% (${(100 * c.waited).toFixed(0)}%)`;

export async function measureEvents(s: EventsScenario): Promise<EventsResult> {
  const { maxParallel, taskMs } = pace(s.eventsPerSec);
  const { servers, databaseUrl, dispose } = await openServers(s.replicas, taskMs);
  const subscription: EventSubscription = (s.batches ?? process.env.CONVEYOR_BENCH_API_BATCHES === "1") ? "runEventBatches" : "runEvents";
  const swarm = new SubscriberSwarm(subscription);
  // control calls are seconds apart: a kept-alive socket may be closed by the server just as it is reused
  const agent = new Agent();
  try {
    const starter = servers[0]!;
    const target = servers[servers.length - 1]!;
    const t0 = performance.now();
    await swarm.connect(target.url, s.subscribers);
    log(`  ${s.subscribers} subscribers connected in ${(performance.now() - t0).toFixed(0)} ms`);
    const rssIdle = target.status("VmRSS");
    for (const sv of servers) sv.resetPeak();
    const serverCpu = servers.map((sv) => cpuWindow(sv.pid));
    const clientCpu = cpuWindow(process.pid);
    const t1 = performance.now();
    const runId = await startNoopRun(agent, starter.url, s.tasks, maxParallel);
    swarm.subscribe(runId);
    const afterStart = performance.now();
    const allFinished = await swarm.allFinished(s.windowMs);
    const cpu = { clients: clientCpu(), servers: serverCpu.map((end) => end()) };
    const windowSec = (performance.now() - t1) / 1000;
    // what the run recorded by the window's end is what every subscriber should have had
    const state = await runRecord(databaseUrl, runId);
    const slowest = swarm.slowest;
    // the rest stays undelivered: closing now spares the server the backlog
    swarm.close();
    if (state.status === "running") await cancelRun(agent, starter.url, runId);
    const r: EventsResult = {
      ...s,
      ...swarmFigures(swarm, {
        afterStart,
        allFinished,
        clientCpu: cpu.clients,
        serverCpu: cpu.servers[cpu.servers.length - 1]!,
        windowSec,
      }),
      maxParallel,
      taskMs,
      subscription,
      runStatus: `${state.status} at the window's end`,
      runEvents: state.lastSeq,
      runEventsPerSec: state.eventsPerSec,
      expected: state.lastSeq * s.subscribers,
      maxBatch: swarm.maxBatch,
      dropped: swarm.dropped,
      allMax: swarm.latencyAll.max,
      behindAtEnd: Math.max(0, state.lastSeq - slowest),
      serverCpu: cpu.servers,
      rssIdle,
      rssPeak: target.windowPeakRss(),
      rssHwm: target.status("VmHWM"),
    };
    log(
      `  ${s.replicas} replica(s), ${s.subscribers} ${subscription} subs (${r.messages} messages), run ${r.runStatus}, ${r.runEvents} events at ${r.runEventsPerSec.toFixed(0)}/s ` +
        `(maxParallel ${maxParallel}, ${taskMs} ms tasks): ${swarmLine(r)}, ` +
        `server ${r.serverCpu.map(share).join(" / ")}, ${r.cpuPerDeliveryUs.toFixed(0)} µs server CPU per delivery, RSS idle ${(rssIdle / 2 ** 20).toFixed(0)} MiB peak ${(r.rssPeak / 2 ** 20).toFixed(0)} MiB` +
        (r.errors.length ? `; errors: ${r.errors.join("; ")}` : ""),
    );
    return r;
  } finally {
    swarm.close();
    agent.destroy();
    await dispose();
  }
}
