// A5: subscribers' lag under a CPU hog. The cross-replica runEventBatches
// scenario of A2 (run started on A, every subscriber on B, 1,000 events/s) with
// a neighbour process busy ~50% of one core (cpu-hog.ts), as a busier machine
// would be. A subscriber that falls behind must get larger batches and catch up,
// not a queue that grows: the target is p99 lag ≤ 1 s over every delivery.
import { cpuWindow, type CpuShare } from "./api-harness.js";
import { measureEvents, type EventsResult } from "./api-events.js";
import { collectChild, log, spawnBenchChild } from "./support.js";

export interface LagResult extends EventsResult {
  /** The hog's CPU over the scenario, as a share of one core. */
  hogCpu: CpuShare;
}

export const LAG_P99_MS = 1_000;

export async function measureLagUnderHog(s: { subscribers: number; tasks: number; windowMs: number }): Promise<LagResult> {
  const hog = spawnBenchChild("cpu-hog", {});
  const done = collectChild(hog);
  try {
    await new Promise<void>((resolve, reject) => {
      hog.stdout!.once("data", () => resolve());
      void done.then((r) => reject(new Error(`CPU hog exited ${r.code ?? r.signal}: ${r.stderr.slice(-500)}`)));
    });
    const hogCpu = cpuWindow(hog.pid!);
    const r = await measureEvents({
      replicas: 2,
      subscribers: s.subscribers,
      tasks: s.tasks,
      eventsPerSec: 1_000,
      windowMs: s.windowMs,
      batches: true,
    });
    const result = { ...r, hogCpu: hogCpu() };
    log(
      `  CPU hog beside it: ${(100 * result.hogCpu.cpu).toFixed(0)}% of a core; longest list ${r.maxBatch} events, ${r.dropped} dropped and resubscribed, slowest subscriber ${r.behindAtEnd} events behind at the end`,
    );
    return result;
  } finally {
    hog.kill("SIGKILL");
    await done;
  }
}
