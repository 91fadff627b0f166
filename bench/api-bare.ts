// Bare references for the API table: the clients of api-progress.ts (graphql()
// over keepAlive) and api-events.ts (SubscriberSwarm), unchanged, against a child
// server that does the minimum (bench/api-bare-server.ts: a constant answer; a
// timer pushing pre-encoded runEvents messages). What these reach is the bound
// this machine puts on the same load with node:http and `ws` in one process
// each, before any of Conveyor's work.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { cpuWindow, graphql, keepAlive, ServerProcess, type CpuShare } from "./api-harness.js";
import { share, swarmFigures, swarmLine, type SwarmFigures } from "./api-events.js";
import { loadLine, QUERY, queryLoad, type LoadFigures, type LoadShape } from "./api-progress.js";
import type { StreamReport } from "./api-bare-server.js";
import { SubscriberSwarm } from "./api-swarm.js";
import { log } from "./support.js";

export type BareHttpResult = LoadShape & LoadFigures;

/** measureProgress's load (same clients, same loop) against the bare server's constant answer. */
export async function measureBareHttp(s: LoadShape): Promise<BareHttpResult> {
  const server = await ServerProcess.start({}, "api-bare-server");
  const agent = keepAlive(s.clients + 2);
  try {
    const variables = { id: randomUUID() };
    const r = { ...s, ...(await queryLoad(s, server.pid, () => graphql(agent, server.url, QUERY, variables))) };
    log(`  bare HTTP, ${loadLine(r)}`);
    return r;
  } finally {
    agent.destroy();
    await server.close();
  }
}

export interface BareWsScenario {
  subscribers: number;
  eventsPerSec: number;
  /** How long the server streams (the last event is run.finished; a server behind pace stops there too). */
  durationMs: number;
  /** How long after that subscribers may take for the rest; what they lack then counts as missing. */
  graceMs: number;
}

export interface BareWsResult extends BareWsScenario, SwarmFigures {
  /** Events the server made, and per second over its stream (its own clock): below eventsPerSec, it could not keep pace. */
  sent: number;
  sentPerSec: number;
  /** Most an event was made after its due time (includes up to one 10 ms tick): the server keeping pace. */
  maxLagMs: number;
  expected: number;
  serverCpu: CpuShare;
  /** Server RSS: peak in the window (sampled). */
  rssPeak: number;
}

/** measureEvents's subscribers (same swarm) fed by the bare server's timer at eventsPerSec. */
export async function measureBareWs(s: BareWsScenario): Promise<BareWsResult> {
  const server = await ServerProcess.start({}, "api-bare-server");
  const swarm = new SubscriberSwarm("runEvents");
  try {
    const t0 = performance.now();
    await swarm.connect(server.url, s.subscribers);
    log(`  ${s.subscribers} subscribers connected to the bare server in ${(performance.now() - t0).toFixed(0)} ms`);
    server.resetPeak();
    const serverCpu = cpuWindow(server.pid);
    const clientCpu = cpuWindow(process.pid);
    const t1 = performance.now();
    swarm.subscribe(randomUUID());
    const afterStart = performance.now();
    // the server starts once every subscription is in, and answers after its last event
    const streamed = fetch(`${server.url}/stream?rate=${s.eventsPerSec}&ms=${s.durationMs}&subscribers=${s.subscribers}`).then(
      (res) => res.json() as Promise<StreamReport>,
    );
    streamed.catch(() => undefined); // awaited below: not an unhandled rejection meanwhile
    const allFinished = await swarm.allFinished(s.durationMs + s.graceMs);
    const cpu = { clients: clientCpu(), server: serverCpu() };
    const windowSec = (performance.now() - t1) / 1000;
    // what is not delivered by now is missing (the stream ended at durationMs, even if behind)
    swarm.close();
    const report = await streamed;
    const r: BareWsResult = {
      ...s,
      ...swarmFigures(swarm, { afterStart, allFinished, clientCpu: cpu.clients, serverCpu: cpu.server, windowSec }),
      sent: report.sent,
      sentPerSec: report.sent / report.seconds,
      maxLagMs: report.maxLagMs,
      expected: report.sent * s.subscribers,
      serverCpu: cpu.server,
      rssPeak: server.windowPeakRss(),
    };
    log(
      `  bare WS, ${s.subscribers} subs, ${r.sent} events at ${r.sentPerSec.toFixed(0)}/s (max lag ${r.maxLagMs.toFixed(0)} ms): ${swarmLine(r)}, ` +
        `server ${share(r.serverCpu)}, ${r.cpuPerDeliveryUs.toFixed(1)} µs server CPU per delivery` +
        (r.errors.length ? `; errors: ${r.errors.join("; ")}` : ""),
    );
    return r;
  } finally {
    swarm.close();
    await server.close();
  }
}
