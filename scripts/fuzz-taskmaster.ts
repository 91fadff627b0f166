// The long run of the Task Master differential fuzzer (test/taskmaster/fuzz/):
//   npm run fuzz:taskmaster -- [--cases 3000] [--seed 17] [--batch 500]
// Prints how many cases showed each documented difference, and every case
// that disagrees in a way docs/taskmaster.md does not document (exit 1).
import { parseArgs } from "node:util";
import { fuzz, report } from "../test/taskmaster/fuzz/run-fuzz.js";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "3000" },
    seed: { type: "string", default: "17" },
    batch: { type: "string", default: "500" },
  },
});
const number = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
};
const [cases, seed, batch] = [number("cases", values.cases), number("seed", values.seed), number("batch", values.batch)];
const started = Date.now();
// the summary so far after every batch, so a long run cut short still says what it found
const summary = await fuzz(cases, seed, batch, (done, sofar) => console.error(`${done}/${cases} cases judged\n${report(sofar)}`));
console.log(report(summary));
console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(summary.problems.length > 0 ? 1 : 0);
