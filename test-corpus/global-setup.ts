// Says loudly, before anything runs, which parts of the corpus are missing and
// therefore skipped. Under CI=true a missing part fails the run: CI has the
// corpus, so its absence there is a broken checkout, not a reason to pass.
import { missingParts } from "./shared.js";

export default function setup(): void {
  const missing = missingParts();
  if (missing.length === 0) return;
  const lines = missing.map((m) => `!!!   ${m}`).join("\n");
  if (process.env.CI === "true") throw new Error(`the corpus suite needs the real files under CI; missing:\n${lines}`);
  process.stderr.write(
    `\n!!! CORPUS SUITE SKIPPED IN PART: not found (set CONVEYOR_SHARED to the folder holding fixtures/ and argo/):\n${lines}\n\n`,
  );
}
