// The differential fuzzer: generated cases, judged by Task Master in batches
// (one tag each), compared with Conveyor. Used by fuzz.test.ts and by
// `npm run fuzz:taskmaster` (scripts/fuzz-taskmaster.ts).
import { compare } from "./compare.js";
import { sampleCases } from "./generate.js";
import { judge, tagOf } from "./judge.js";

export interface FuzzSummary {
  cases: number;
  seed: number;
  /** How many cases showed each class (documented differences and agreements). */
  classes: Map<string, number>;
  /** Failures: the case (its mutations and tasks) and what went wrong. */
  problems: { index: number; mutations: string[]; tasks: unknown[]; problems: string[] }[];
}

export async function fuzz(
  count: number,
  seed: number,
  batch = 500,
  progress?: (done: number, sofar: FuzzSummary) => void,
): Promise<FuzzSummary> {
  const cases = sampleCases(count, seed);
  const summary: FuzzSummary = { cases: count, seed, classes: new Map(), problems: [] };
  for (let start = 0; start < cases.length; start += batch) {
    const chunk = cases.slice(start, start + batch);
    const verdicts = await judge(chunk.map((c) => c.tasks));
    chunk.forEach((c, k) => {
      const outcome = compare(c.tasks, tagOf(k), verdicts[k]!);
      for (const cls of new Set(outcome.classes)) summary.classes.set(cls, (summary.classes.get(cls) ?? 0) + 1);
      if (outcome.problems.length > 0) {
        summary.problems.push({ index: start + k, mutations: c.mutations, tasks: c.tasks, problems: outcome.problems });
      }
    });
    progress?.(Math.min(start + batch, cases.length), { ...summary, cases: Math.min(start + batch, cases.length) });
  }
  return summary;
}

export function report(s: FuzzSummary): string {
  const lines = [`${s.cases} cases (seed ${s.seed}), ${s.problems.length} with an undocumented disagreement`];
  for (const [cls, n] of [...s.classes].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(6)}  ${cls}`);
  for (const p of s.problems.slice(0, 10)) {
    lines.push(`case ${p.index} (${p.mutations.join(", ") || "no mutation"}): ${p.problems.join("; ")}`);
    lines.push(`  ${JSON.stringify(p.tasks).slice(0, 600)}`);
  }
  return lines.join("\n");
}
