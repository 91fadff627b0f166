// How right the ETA is. Replays runs of realistic workloads (log-normal task
// durations, stragglers 10× slower, failed attempts retried after a backoff, a
// long chain beside a wide fan-out) and asks, at every 1 % of progress, for the
// ETA the engine would show: `computeProgress`, the function the engine calls,
// fed the facts the engine keeps (each unit's status, its current attempt's
// start, its finish, its mean duration in earlier runs). The replay dispatches as
// the engine does: ready tasks lowest index first, at most maxParallel running,
// a retrying task out of its slot while it backs off. Time is simulated, so the
// figures are the estimator's alone, the same on a loaded machine as on an idle one.
//
// Beside it, what a last-run-duration estimate says at the same instants (the
// previous run's total minus the time elapsed, as Argo shows it).
import { computeProgress, type ProgressUnit } from "../src/core/progress.js";
import type { TaskStatus } from "../src/core/status.js";

/** A deterministic PRNG (mulberry32), so every invocation replays the same runs. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}
const logNormal = (r: () => number, median: number, sigma: number) => median * Math.exp(sigma * normal(r));

export interface Workload {
  name: string;
  deps: number[][];
  /** Each task's typical duration (ms); a run draws around it. */
  typicalMs: number[];
  maxParallel: number;
}

/** A chain of `chain` tasks beside a fan-out of `wide` tasks under one root, some with a second level. */
export function chainBesideFanOut(seed: number, chain = 60, wide = 340, maxParallel = 8): Workload {
  const r = rng(seed);
  const deps: number[][] = [[]];
  for (let i = 1; i <= chain; i++) deps.push([i - 1]);
  const fanStart = deps.length;
  for (let k = 0; k < wide; k++) {
    // a third of the fan-out waits on an earlier fan-out task: the graph has depth there too
    const earlier = k > 10 && r() < 1 / 3 ? fanStart + Math.floor(r() * k) : 0;
    deps.push([earlier]);
  }
  // durations differ by task (log-normal), and some tasks are 10× slower than the rest, every run
  const typicalMs = deps.map(() => logNormal(r, 2_000, 0.8) * (r() < VARIATION.slowShare ? VARIATION.slowFactor : 1));
  return { name: `${chain}-task chain beside a ${wide}-task fan-out, parallel ${maxParallel}`, deps, typicalMs, maxParallel };
}

export interface RunDraw {
  /** Per task, the duration of each attempt in order; all but the last failed. */
  attempts: number[][];
  /** Per task, the backoff after each failed attempt. */
  backoffs: number[][];
  /** How much slower (> 1) or faster than usual this whole run goes. */
  speed: number;
}

export const VARIATION = { slowShare: 0.05, slowFactor: 10, perRunSigma: 0.3, runSpeedSigma: 0.15, failShare: 0.04, retryDelayMs: 1_000 };

/**
 * One run's durations: each task's typical time varied by run (σ 0.3), the whole
 * run faster or slower than usual (a busier machine, σ 0.15), a few failed attempts.
 */
export function drawRun(w: Workload, seed: number): RunDraw {
  const r = rng(seed);
  const attempts: number[][] = [];
  const backoffs: number[][] = [];
  const speed = logNormal(r, 1, VARIATION.runSpeedSigma);
  for (const typical of w.typicalMs) {
    const a: number[] = [];
    const b: number[] = [];
    const duration = () => logNormal(r, typical * speed, VARIATION.perRunSigma);
    // at most two failed attempts (the default --retries 2), each cut short somewhere in its work
    while (a.length < 2 && r() < VARIATION.failShare) {
      a.push(duration() * (0.2 + 0.8 * r()));
      // full jitter over an exponential backoff, as retry-backoff.ts does
      b.push(r() * VARIATION.retryDelayMs * 2 ** b.length);
    }
    a.push(duration());
    attempts.push(a);
    backoffs.push(b);
  }
  return { attempts, backoffs, speed };
}

interface Sample {
  percent: number;
  actualMs: number;
  conveyorMs: number | null;
  lastRunMs: number | null;
}

/** Replays one run; at each 1 % of settled tasks, the ETAs against what actually remained. */
export function replay(
  w: Workload,
  draw: RunDraw,
  expectedMs: (number | undefined)[],
  lastRunTotalMs: number | null,
): { totalMs: number; samples: Sample[] } {
  const n = w.deps.length;
  const status: TaskStatus[] = new Array(n).fill("pending");
  const startedAt: (number | undefined)[] = new Array(n).fill(undefined);
  const finishedAt: (number | undefined)[] = new Array(n).fill(undefined);
  const attemptNo = new Array<number>(n).fill(0);
  const waitingOn = w.deps.map((d) => d.length);
  const dependents: number[][] = w.deps.map(() => []);
  w.deps.forEach((d, i) => d.forEach((j) => dependents[j]!.push(i)));
  const ready = new Set<number>(w.deps.flatMap((d, i) => (d.length === 0 ? [i] : [])));
  // pending events: [time, kind, task]; a small run, so a sorted array is plenty
  const events: { at: number; kind: "end" | "requeue"; i: number }[] = [];
  let running = 0;
  let settled = 0;
  let now = 0;
  const raw: { at: number; percent: number; conveyorMs: number | null; lastRunMs: number | null }[] = [];
  let nextPercent = 1;

  const dispatch = () => {
    const order = [...ready].sort((a, b) => a - b);
    for (const i of order) {
      if (running >= w.maxParallel) break;
      ready.delete(i);
      running++;
      status[i] = "running";
      startedAt[i] = now;
      finishedAt[i] = undefined;
      events.push({ at: now + draw.attempts[i]![attemptNo[i]!]!, kind: "end", i });
    }
    events.sort((a, b) => a.at - b.at || a.i - b.i);
  };

  const units = (): ProgressUnit[] =>
    w.deps.map((deps, i) => ({
      id: String(i),
      status: status[i]!,
      deps,
      ...(startedAt[i] !== undefined ? { startedAt: startedAt[i] } : {}),
      ...(finishedAt[i] !== undefined ? { finishedAt: finishedAt[i] } : {}),
      ...(expectedMs[i] !== undefined ? { expectedMs: expectedMs[i] } : {}),
    }));

  dispatch();
  while (events.length > 0) {
    const e = events.shift()!;
    now = e.at;
    if (e.kind === "requeue") {
      status[e.i] = "pending";
      ready.add(e.i);
    } else {
      running--;
      const last = attemptNo[e.i] === draw.attempts[e.i]!.length - 1;
      if (!last) {
        // a failed attempt: out of its slot while it backs off, then back in line
        status[e.i] = "pending";
        events.push({ at: now + draw.backoffs[e.i]![attemptNo[e.i]!]!, kind: "requeue", i: e.i });
        attemptNo[e.i]!++;
      } else {
        status[e.i] = "succeeded";
        finishedAt[e.i] = now;
        settled++;
        for (const d of dependents[e.i]!) if (--waitingOn[d]! === 0) ready.add(d);
      }
    }
    dispatch();
    while (settled * 100 >= nextPercent * n && nextPercent < 100) {
      const p = computeProgress({ now, runStartedAt: 0, maxParallel: w.maxParallel, units: units() });
      raw.push({
        at: now,
        percent: nextPercent,
        conveyorMs: p.etaMs,
        lastRunMs: lastRunTotalMs === null ? null : Math.max(0, lastRunTotalMs - now),
      });
      nextPercent++;
    }
  }
  const totalMs = now;
  return {
    totalMs,
    samples: raw.map((s) => ({ percent: s.percent, actualMs: totalMs - s.at, conveyorMs: s.conveyorMs, lastRunMs: s.lastRunMs })),
  };
}

/** Mean successful-attempt duration per task over earlier runs, as the store's history gives it. */
export function historyOf(draws: RunDraw[], n: number): (number | undefined)[] {
  return Array.from({ length: n }, (_, i) => {
    if (draws.length === 0) return undefined;
    return draws.reduce((sum, d) => sum + d.attempts[i]![d.attempts[i]!.length - 1]!, 0) / draws.length;
  });
}

const median = (xs: number[]) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ape = (estimate: number | null, actual: number) => (estimate === null ? 1 : Math.abs(estimate - actual) / actual);

export interface EtaAccuracy {
  workload: string;
  runs: number;
  samples: number;
  /** Median absolute percentage error, from 25 % and from 50 % of progress on. */
  conveyor: { from25: number; from50: number };
  lastRun: { from25: number; from50: number };
  /**
   * The same estimator told each task's true mean duration in that very run: the
   * floor that no estimate from expectations gets under, set by how much the tasks
   * still to run vary around their means.
   */
  floor: { from25: number; from50: number };
  /** Share of tasks with no history (new or edited since the earlier runs). */
  newTasks: number;
}

/**
 * `runs` replays, each after `history` earlier runs of the same workload with other
 * draws; a share of tasks is new in each (edited, so no history).
 */
export function measureEtaAccuracy({ runs = 20, history = 3, newShare = 0.1 } = {}): EtaAccuracy {
  const all: Sample[] = [];
  const oracle: Sample[] = [];
  let name = "";
  for (let k = 0; k < runs; k++) {
    const w = chainBesideFanOut(1_000 + k);
    name = w.name;
    const earlier = Array.from({ length: history }, (_, h) => drawRun(w, 50_000 + k * 100 + h));
    const expected = historyOf(earlier, w.deps.length);
    const pick = rng(90_000 + k);
    for (let i = 0; i < expected.length; i++) if (pick() < newShare) expected[i] = undefined;
    // the previous run's total, replayed as it happened
    const previous = replay(w, earlier[earlier.length - 1]!, expected, null).totalMs;
    const draw = drawRun(w, 70_000 + k);
    all.push(...replay(w, draw, expected, previous).samples);
    const truth = w.typicalMs.map((t) => t * draw.speed * Math.exp(VARIATION.perRunSigma ** 2 / 2));
    oracle.push(...replay(w, draw, truth, null).samples);
  }
  const from = (p: number, pick: (s: Sample) => number | null, samples = all) =>
    median(samples.filter((s) => s.percent >= p && s.actualMs > 0).map((s) => ape(pick(s), s.actualMs)));
  return {
    workload: name,
    runs,
    samples: all.length,
    conveyor: { from25: from(25, (s) => s.conveyorMs), from50: from(50, (s) => s.conveyorMs) },
    lastRun: { from25: from(25, (s) => s.lastRunMs), from50: from(50, (s) => s.lastRunMs) },
    floor: { from25: from(25, (s) => s.conveyorMs, oracle), from50: from(50, (s) => s.conveyorMs, oracle) },
    newTasks: newShare,
  };
}

export const ETA_TARGETS = { from25: 0.15, from50: 0.1 };

export function renderEtaTable(r: EtaAccuracy): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const row = (id: string, what: string, conveyor: number, reference: number, floor: number, target: number) => {
    const verdict = conveyor <= target && conveyor < reference ? "**met**" : "**not met**";
    const why =
      conveyor >= reference
        ? " (not better than the reference)"
        : conveyor > target && floor > target
          ? " (the floor is above the target)"
          : "";
    return `| ${id} | ${what} | ${pct(conveyor)} | ${pct(reference)} | ${pct(floor)} | ≤ ${pct(target)}, and below the reference | ${verdict}${why} |`;
  };
  const lines = [
    "| # | ETA accuracy: median absolute percentage error | Conveyor | last run's duration (reference) | true means known (floor) | target | verdict |",
    "|---|---|---|---|---|---|---|",
    row("E1", "from 25 % of progress on", r.conveyor.from25, r.lastRun.from25, r.floor.from25, ETA_TARGETS.from25),
    row("E2", "from 50 % of progress on", r.conveyor.from50, r.lastRun.from50, r.floor.from50, ETA_TARGETS.from50),
  ];
  const note = `Workload: ${r.workload}; ${r.runs} replayed runs, each after 3 earlier ones (history), ${Math.round(r.newTasks * 100)} % of tasks new in each; ${r.samples} samples (one per 1 % of progress). Durations log-normal across tasks, ${VARIATION.slowShare * 100} % of tasks ${VARIATION.slowFactor}× slower than the rest; run to run, each task varies log-normally (σ ${VARIATION.perRunSigma}) and the whole run is faster or slower (σ ${VARIATION.runSpeedSigma}); ${VARIATION.failShare * 100} % of attempts fail and retry after a jittered backoff.`;
  return `${lines.join("\n")}\n\n${note}`;
}
