// 4. Heap and RSS per task, each size in a fresh `--expose-gc` child process
// (bench/memory-child.ts) with its own fresh store, so numbers are clean.
import { collectChild, log, resultOf, spawnBenchChild, type StoreKind } from "./support.js";

export interface MemPoint {
  at: string;
  done: number;
  heapUsed: number;
  rss: number;
  external: number;
  ms: number;
}

export interface MemoryResult {
  kind: StoreKind;
  tasks: number;
  parallel: number;
  /** 1 KB results and scattered retries (BENCH_RICH) rather than no-op tasks. */
  rich: boolean;
  startRunMs: number;
  totalMs: number;
  capped: boolean;
  base: MemPoint;
  points: MemPoint[];
}

/**
 * Extensive state against no-op tasks of the same count: heap and RSS growth per
 * finished task at the reported points (per finished task, so a run capped in flight
 * compares fairly with one that ended).
 */
export function richOverNoop(rich: MemoryResult, noop: MemoryResult): { heap: number; rss: number } {
  const per = (r: MemoryResult, key: "heapUsed" | "rss") => {
    const p = r.points[r.points.length - 1]!;
    return (p[key] - r.base[key]) / Math.max(1, p.at === "end" ? r.tasks : p.done);
  };
  return { heap: per(rich, "heapUsed") / per(noop, "heapUsed"), rss: per(rich, "rss") / per(noop, "rss") };
}

/** The point reported: the last one (end, or cap), as growth over the idle app. */
export function reportedPoint(r: MemoryResult): { at: string; done: number; heapPerTask: number; rssPerTask: number } {
  const p = r.points[r.points.length - 1]!;
  return {
    at: p.at,
    done: p.done,
    heapPerTask: (p.heapUsed - r.base.heapUsed) / r.tasks,
    rssPerTask: (p.rss - r.base.rss) / r.tasks,
  };
}

export async function measureMemory(kind: StoreKind, tasks: number, capMs: number, parallel = 64, rich = false): Promise<MemoryResult> {
  const child = spawnBenchChild("memory-child", {
    BENCH_RICH: rich ? "1" : "0",
    BENCH_STORE_KIND: kind,
    BENCH_TASKS: String(tasks),
    BENCH_PARALLEL: String(parallel),
    BENCH_CAP_MS: String(capMs),
  });
  const { lines, stderr, code } = await collectChild(child);
  if (code !== 0) throw new Error(`memory child (${kind}, ${tasks}) exited ${code}\n${stderr.slice(-3000)}`);
  const r = resultOf<MemoryResult>(lines, stderr, "memory");
  for (const p of r.points) {
    log(
      `  memory ${kind} ${tasks}${rich ? " rich" : ""} @${p.at} (${p.done} done, ${(p.ms / 1000).toFixed(1)} s): heap +${((p.heapUsed - r.base.heapUsed) / tasks).toFixed(0)} B/task, ` +
        `rss +${((p.rss - r.base.rss) / tasks).toFixed(0)} B/task`,
    );
  }
  return r;
}
