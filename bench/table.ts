// The one table: every measurement side by side for PGlite and PostgreSQL, the
// reference (peer or ceiling) beside it, the target and whether it is met.
import type { ActiveRunsResult } from "./active-runs.js";
import type { BullResult } from "./bullmq.js";
import type { CeilingResult } from "./ceiling.js";
import type { HandoffResult } from "./handoff.js";
import { reportedPoint, richOverNoop, type MemoryResult } from "./memory.js";
import type { ProcessResult } from "./process-executor.js";
import type { ResumeResult } from "./resume.js";
import type { SmallRunsResult } from "./small-runs.js";
import { median, STORE_KINDS, type StoreKind } from "./support.js";
import type { ThroughputResult } from "./throughput.js";

export interface StoreResults {
  throughput?: ThroughputResult[];
  chain?: HandoffResult;
  ceiling?: CeilingResult;
  process?: ProcessResult[];
  memory?: MemoryResult[];
  resume?: ResumeResult;
  smallRuns?: SmallRunsResult;
  activeRuns?: ActiveRunsResult;
  /** Sections that failed, with why. */
  errors: string[];
}

export interface BenchResults {
  sizes: {
    tasks: number;
    parallels: number[];
    chain: number;
    memory: number[];
    resume: number;
    processTasks: number;
    processParallels: number[];
  };
  stores: Partial<Record<StoreKind, StoreResults>>;
  bullmq?: BullResult;
  bullmqError?: string;
}

// ---- formatting ------------------------------------------------------------------------------

const int = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : Math.round(x).toLocaleString("en-US"));
const dec = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(2));
const times = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : `${x.toFixed(2)}×`);
const ms = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x < 10 ? `${x.toFixed(2)} ms` : `${int(x)} ms`);
const bytes = (b: number | undefined) => (b === undefined || !Number.isFinite(b) ? "–" : `${int(b)} B (${(b / 1000).toFixed(2)} MB/1k)`);

type Verdict = boolean | undefined;

/** "met" / "not met" per store, collapsed when both agree. */
function verdict(per: Partial<Record<StoreKind, Verdict>>, only?: StoreKind): string {
  const kinds = only ? [only] : STORE_KINDS.filter((k) => per[k] !== undefined);
  const label = { pglite: "PGlite", postgres: "PG" } as const;
  const word = (v: Verdict) => (v === undefined ? "n/a" : v ? "**met**" : "**not met**");
  if (kinds.length === 0) return "n/a";
  if (only) return `${word(per[only])} (PG)`;
  const vs = kinds.map((k) => per[k]);
  if (vs.every((v) => v === vs[0])) return `${word(vs[0])}${kinds.length === 1 ? ` (${label[kinds[0]!]})` : ""}`;
  return kinds.map((k) => `${label[k]}: ${word(per[k])}`).join(" · ");
}

interface Row {
  id: string;
  what: string;
  cells: Partial<Record<StoreKind, string>>;
  ref?: string;
  target?: string;
  verdict?: string;
}

function check<T>(vals: Partial<Record<StoreKind, T>>, pred: (v: T) => boolean): Partial<Record<StoreKind, boolean>> {
  const out: Partial<Record<StoreKind, boolean>> = {};
  for (const k of STORE_KINDS) if (vals[k] !== undefined) out[k] = pred(vals[k]!);
  return out;
}

function perStore<T>(r: BenchResults, f: (s: StoreResults, k: StoreKind) => T | undefined): Partial<Record<StoreKind, T>> {
  const out: Partial<Record<StoreKind, T>> = {};
  for (const k of STORE_KINDS) {
    const s = r.stores[k];
    if (!s) continue;
    const v = f(s, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function map<T>(vals: Partial<Record<StoreKind, T>>, f: (v: T, k: StoreKind) => string): Partial<Record<StoreKind, string>> {
  const out: Partial<Record<StoreKind, string>> = {};
  for (const k of STORE_KINDS) if (vals[k] !== undefined) out[k] = f(vals[k]!, k);
  return out;
}

export function buildRows(r: BenchResults): Row[] {
  const rows: Row[] = [];
  const N = r.sizes.tasks.toLocaleString("en-US");
  const bull = r.bullmq;
  const bullAt = (c: number) => bull?.queue.find((q) => q.concurrency === c);
  const tp = (mp: number) => perStore(r, (s) => s.throughput?.find((t) => t.maxParallel === mp));

  // 1. throughput
  for (const mp of r.sizes.parallels) {
    const vals = tp(mp);
    const b = bullAt(mp);
    rows.push({
      id: "1",
      what: `${N} independent no-op tasks, maxParallel ${mp}: tasks/s (startRun → run finished)`,
      cells: map(vals, (t) => int(t.tasksPerSec)),
      ref: b ? `BullMQ c=${mp}: ${int(b.jobsPerSec)} jobs/s` : "",
    });
  }
  rows.push({
    id: "1",
    what: `… of which startRun (plan + insert of ${N} + load), median of the ${r.sizes.parallels.length} runs`,
    cells: map(
      perStore(r, (s) => s.throughput),
      (ts) => ms(median(ts.map((t) => t.timing.startRunMs))),
    ),
  });
  const top = Math.max(...r.sizes.parallels);
  rows.push({
    id: "1",
    what: `… at maxParallel ${top}: commits, and share of the wall inside store.commit`,
    cells: map(tp(top), (t) => `${int(t.timing.commits)} (${Math.round((100 * t.timing.commitMs) / t.timing.totalMs)}%)`),
  });

  // 2. chain
  const chain = perStore(r, (s) => s.chain);
  rows.push({
    id: "2",
    what: `${r.sizes.chain.toLocaleString("en-US")}-task chain (each depends on the previous): tasks/s`,
    cells: map(chain, (c) => int(c.tasksPerSec)),
    ref: bull?.chain ? `BullMQ flow chain: ${int(bull.chain.jobsPerSec)} jobs/s` : "",
  });

  // 3. hand-off
  rows.push({
    id: "3",
    what: "hand-off, commit of task k's success (task.succeeded published) → function of k+1 invoked: p50 / p99",
    cells: map(chain, (c) => `${ms(c.commitToStart.p50)} / ${ms(c.commitToStart.p99)}`),
    target: "p50 ≤ 1 ms, p99 ≤ 5 ms",
    verdict: verdict(check(chain, (c) => c.commitToStart.p50 <= 1 && c.commitToStart.p99 <= 5)),
  });
  rows.push({
    id: "3",
    what: "hand-off, function of k returns → function of k+1 invoked (whole hop, commit included): p50 / p99",
    cells: map(chain, (c) => `${ms(c.returnToStart.p50)} / ${ms(c.returnToStart.p99)}`),
    ref: bull?.chain ? `BullMQ flow: ${ms(bull.chain.returnToStart.p50)} / ${ms(bull.chain.returnToStart.p99)}` : "",
  });

  // S. many small runs at once
  const small = perStore(r, (s) => s.smallRuns);
  const anySmall = Object.values(small)[0];
  if (anySmall) {
    const what = `${anySmall.runs.toLocaleString("en-US")} runs of ${anySmall.tasksPer} no-op tasks started together (maxParallel ${anySmall.maxParallel} each)`;
    rows.push({
      id: "S1",
      what: `${what}: tasks/s, and the ratio to one ${int(anySmall.reference.tasks)}-task run at maxParallel ${anySmall.reference.maxParallel} measured right before`,
      cells: map(
        small,
        (x) => `${int(x.tasksPerSec)} (${times(x.tasksPerSec / x.reference.tasksPerSec)} of ${int(x.reference.tasksPerSec)})`,
      ),
      target: "≥ 0.8× on PostgreSQL",
      verdict: verdict(
        { postgres: small.postgres ? small.postgres.tasksPerSec / small.postgres.reference.tasksPerSec >= 0.8 : undefined },
        "postgres",
      ),
    });
    rows.push({
      id: "S2",
      what: `${what}: runs started and finished per second`,
      cells: map(small, (x) => int(x.runsPerSec)),
      target: "≥ 1,000 on PostgreSQL",
      verdict: verdict({ postgres: small.postgres ? small.postgres.runsPerSec >= 1000 : undefined }, "postgres"),
    });
    rows.push({
      id: "S3",
      what: "… a run's fixed cost: startRun called → first task invoked, p50 / p99; last task returned → run.finished published, p50 / p99",
      cells: map(small, (x) => `${ms(x.firstDispatch.p50)} / ${ms(x.firstDispatch.p99)}; ${ms(x.finish.p50)} / ${ms(x.finish.p99)}`),
    });
  }

  // 4. memory
  for (const size of r.sizes.memory) {
    const m = perStore(r, (s) => s.memory?.find((x) => x.tasks === size && !x.rich));
    const where = (x: MemoryResult) => {
      const p = reportedPoint(x);
      return p.at === "end" ? "at end" : `in flight, ${int(p.done)} done`;
    };
    rows.push({
      id: "4",
      what: `heap growth per task, ${size.toLocaleString("en-US")}-task run (after GC, fresh child)`,
      cells: map(m, (x) => `${bytes(reportedPoint(x).heapPerTask)}, ${where(x)}`),
      ref: "bare task object: 243 B (baselines)",
      target: "≤ 0.5 MB / 1,000 tasks",
      verdict: verdict(check(m, (x) => reportedPoint(x).heapPerTask <= 500)),
    });
    rows.push({
      id: "4",
      what: `RSS growth per task, ${size.toLocaleString("en-US")}-task run (PGlite's WASM memory counts here, not in the heap)`,
      cells: map(m, (x) => bytes(reportedPoint(x).rssPerTask)),
    });
  }

  // 4r. extensive state: the largest size again with 1 KB results and retries
  const largest = Math.max(...r.sizes.memory);
  const rich = perStore(r, (s) => {
    const noop = s.memory?.find((x) => x.tasks === largest && !x.rich);
    const full = s.memory?.find((x) => x.tasks === largest && x.rich);
    return noop && full ? { noop, full, ratio: richOverNoop(full, noop) } : undefined;
  });
  rows.push({
    id: "4r",
    what: `extensive state: ${largest.toLocaleString("en-US")} tasks with a 1 KB result each and 10 retried, heap / RSS growth per task over the no-op run's`,
    cells: map(
      rich,
      (x) =>
        `${times(x.ratio.heap)} / ${times(x.ratio.rss)}${reportedPoint(x.full).at === "end" ? "" : `, in flight (${int(reportedPoint(x.full).done)} done)`}`,
    ),
    target: "≤ 2× heap and RSS",
    verdict: verdict(check(rich, (x) => x.ratio.heap <= 2 && x.ratio.rss <= 2)),
  });

  // 5. resume
  const res = perStore(r, (s) => s.resume);
  rows.push({
    id: "5",
    what: `resume: new process start → first dispatch after recoverOrphans, ${r.sizes.resume.toLocaleString("en-US")}-task run SIGKILLed at half`,
    cells: map(res, (x) => ms(x.phases.firstDispatch)),
    target: "≤ 1 s on PostgreSQL",
    verdict: verdict({ postgres: res.postgres ? res.postgres.phases.firstDispatch <= 1000 : undefined }, "postgres"),
  });
  rows.push({
    id: "5",
    what: "… phases: node + loader to script top / modules loaded / store open / recoverOrphans returned",
    cells: map(res, (x) => [x.phases.top, x.phases.imported, x.phases.opened, x.phases.recovered].map((v) => int(v)).join(" / ") + " ms"),
  });
  rows.push({
    id: "5",
    what: "… store calls until the first dispatch: loadUnits / historicalDurations / first commit / the rest",
    cells: map(res, (x) => {
      const c = x.calls ?? {};
      const rest = Object.entries(c)
        .filter(([k]) => !["loadUnits", "loadUnitsOf", "historicalDurations", "commit"].includes(k))
        .reduce((a, [, v]) => a + v, 0);
      // recovery reads units with loadUnitsOf (the batched takeover); a run resumed by hand, with loadUnits
      return `${int((c.loadUnits ?? 0) + (c.loadUnitsOf ?? 0))} / ${int(c.historicalDurations)} / ${int(c.commit)} / ${int(rest)} ms`;
    }),
  });

  // R. many active runs (PostgreSQL only)
  const active = perStore(r, (s) => s.activeRuns);
  if (active.postgres) {
    const a = active.postgres;
    const what = `${int(a.runs)} runs active at once, one long task each, one process`;
    rows.push({
      id: "R1",
      what: `${what}: heap per active run (after GC, against the app before any run) / RSS per run`,
      cells: map(active, (x) => `${(x.heapPerRun / 1024).toFixed(1)} KB / ${(x.rssPerRun / 1024).toFixed(1)} KB`),
      target: "heap ≤ 20 KB",
      verdict: verdict({ postgres: a.heapPerRun <= 20 * 1024 }, "postgres"),
    });
    rows.push({
      id: "R2",
      what: `… keeping them over ${int(a.windowSec)} s (lease renewals, timers): the process's CPU as a share of one core · rows written/s · commits/s`,
      cells: map(active, (x) => `${(100 * x.cpuShare).toFixed(1)}% · ${int(x.rowWritesPerSec)} · ${dec(x.commitsPerSec)}`),
      target: "CPU ≤ 10%",
      verdict: verdict({ postgres: a.cpuShare <= 0.1 }, "postgres"),
    });
    rows.push({
      id: "R3",
      what: "… kill -9, then a new process: its start → every run's task running again (store open → that)",
      cells: map(active, (x) => `${ms(x.recoveryMs)} (${ms(x.recoveryFromOpenMs)})`),
      target: "≤ 10 s",
      verdict: verdict({ postgres: a.recoveryMs <= 10_000 }, "postgres"),
    });
  }

  // 6. ceiling
  const ceil = perStore(r, (s) => s.ceiling);
  rows.push({
    id: "6",
    what: "ceiling: raw set-based transitions/s, 50 per transaction (UPDATE … FROM unnest + multi-row INSERT), same database",
    cells: map(ceil, (c) => int(c.transitionsPerSec)),
    ref: "baselines: PG 19,386 · PGlite 16,634",
  });
  const share = perStore(r, (s) => {
    const t = s.throughput?.find((x) => x.maxParallel === top);
    return t && s.ceiling ? (2 * t.tasksPerSec) / s.ceiling.transitionsPerSec : undefined;
  });
  rows.push({
    id: "6",
    what: `Conveyor at maxParallel ${top} vs ceiling: (2 transitions × tasks/s) / ceiling`,
    cells: map(share, (x) => times(x)),
    target: "≥ 0.5× on PostgreSQL",
    verdict: verdict({ postgres: share.postgres !== undefined ? share.postgres >= 0.5 : undefined }, "postgres"),
  });

  // 7. peer ratios
  if (bull) {
    for (const mp of r.sizes.parallels) {
      const b = bullAt(mp);
      if (!b) continue;
      const ratio = perStore(r, (s) => {
        const t = s.throughput?.find((x) => x.maxParallel === mp);
        return t ? t.tasksPerSec / b.jobsPerSec : undefined;
      });
      rows.push({
        id: "7",
        what: `Conveyor / BullMQ, ${N} no-op, maxParallel = concurrency = ${mp}`,
        cells: map(ratio, (x) => times(x)),
        ref: `BullMQ ${int(b.jobsPerSec)} jobs/s`,
        target: "≥ 0.7×",
        verdict: verdict(check(ratio, (x) => x >= 0.7)),
      });
    }
    const bc = bull.chain;
    if (bc) {
      rows.push({
        id: "7",
        what: `Conveyor / BullMQ, ${r.sizes.chain.toLocaleString("en-US")}-task chain`,
        cells: map(chain, (c) => times(c.tasksPerSec / bc.jobsPerSec)),
        ref: `BullMQ ${int(bc.jobsPerSec)} jobs/s`,
      });
    }
  } else {
    rows.push({ id: "7", what: "BullMQ peer", cells: {}, ref: `not measured: ${r.bullmqError ?? "skipped"}` });
  }

  // 8. process executor
  const processRows = (
    what: (mp: number) => string,
    cell: (x: ProcessResult) => string,
    ref: string,
    target?: { text: string; met: (x: ProcessResult) => boolean },
  ) => {
    for (const mp of r.sizes.processParallels) {
      const p = perStore(r, (s) => s.process?.find((x) => x.parallel === mp));
      rows.push({
        id: "8",
        what: what(mp),
        cells: map(p, cell),
        ref,
        ...(target && { target: target.text, verdict: verdict(check(p, target.met)) }),
      });
    }
  };
  const tasks = `${r.sizes.processTasks} × \`true\``;
  processRows(
    (mp) => `local process executor / bare spawn loop, ${tasks}, maxParallel ${mp} (median of 3 interleaved rounds)`,
    (x) => `${times(x.executorRatio)} (${int(x.executorMs)} vs ${int(x.bareMs)} ms)`,
    "executor.execute in lanes, no engine or store; each store kind in its own child",
    { text: "≤ 1.2×", met: (x) => x.executorRatio <= 1.2 },
  );
  processRows(
    (mp) => `… a whole Conveyor run with that executor / bare spawn loop, maxParallel ${mp}`,
    (x) => `${times(x.ratio)} (${int(x.conveyorMs)} vs ${int(x.bareMs)} ms)`,
    "engine and durable store included",
  );
  processRows(
    (mp) =>
      `… maxParallel ${mp}: the executor / a bare loop that keeps the output (stdout and stderr piped and read, as the executor must)`,
    (x) => `${times(x.executorMs / x.barePipesMs)} (${int(x.executorMs)} vs ${int(x.barePipesMs)} ms)`,
    "reference",
  );
  const p1 = perStore(r, (s) => s.process?.find((x) => x.parallel === Math.min(...r.sizes.processParallels)));
  rows.push({
    id: "8",
    what: `… bare spawn of \`/bin/sh -c true\`, ms each at maxParallel ${Math.min(...r.sizes.processParallels)}: same child before the store opened → with it open`,
    cells: map(p1, (x) => `${dec(x.bareNoStoreMs! / x.tasks)} → ${dec(x.bareMs / x.tasks)}`),
    ref: "fork() copies page tables: cost grows with process size",
  });
  return rows;
}

export function renderTable(r: BenchResults): string {
  const kinds = STORE_KINDS.filter((k) => r.stores[k]);
  const head = ["#", "measure", ...kinds.map((k) => (k === "pglite" ? "PGlite" : "PostgreSQL")), "reference", "target", "verdict"];
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i >= 2 && i < 2 + kinds.length ? "--:" : "---")).join("|")}|`];
  for (const row of buildRows(r)) {
    const cells = [row.id, row.what, ...kinds.map((k) => row.cells[k] ?? "–"), row.ref ?? "", row.target ?? "", row.verdict ?? ""];
    lines.push(`| ${cells.map(esc).join(" | ")} |`);
  }
  const errs = kinds.flatMap((k) => (r.stores[k]?.errors ?? []).map((e) => `- ${k}: ${e}`));
  if (errs.length) lines.push("", "Sections that failed:", ...errs);
  return lines.join("\n");
}
