// API 4: service callers. `clients` concurrent callers each sending the startRun
// mutation for a run of `tasks` no-op tasks as soon as the previous one was answered
// (closed loop), against one server in a child process on a fresh PostgreSQL
// database; the runs it starts are executed meanwhile, as a real service's would be.
// Latency = request written → response parsed, in this process.
import { keepAlive, openServers, startNoopRun } from "./api-harness.js";
import { loadLine, queryLoad, type LoadFigures, type LoadShape } from "./api-progress.js";
import { log } from "./support.js";

export interface CallersScenario extends LoadShape {
  /** Tasks per started run. */
  tasks: number;
  maxParallel: number;
}

export interface CallersResult extends CallersScenario, LoadFigures {
  rssPeak: number;
}

export async function measureCallers(s: CallersScenario): Promise<CallersResult> {
  // tasks take no time: the server's own work per run is what is measured
  const { servers, dispose } = await openServers(1, 0);
  const server = servers[0]!;
  const agent = keepAlive(s.clients + 2);
  try {
    const start = () => startNoopRun(agent, server.url, s.tasks, s.maxParallel);
    const figures = await queryLoad(s, server.pid, start, async () => server.resetPeak());
    const r: CallersResult = { ...s, ...figures, rssPeak: server.windowPeakRss() };
    log(`  startRun of ${s.tasks}-task runs, ${loadLine(r)}`);
    return r;
  } finally {
    agent.destroy();
    await dispose();
  }
}
