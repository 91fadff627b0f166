// A run's preview: planned exactly as a new run (planNewRun), against the same
// memo and duration history, and recorded nowhere.
import { previewRun, type RunPreview } from "../core/preview.js";
import type { RunOptions } from "../core/run-options.js";
import type { StartRunInput } from "./start-run.js";
import { planNewRun } from "./new-run.js";
import type { RunStore } from "./store.js";

export async function previewNewRun(store: RunStore, input: StartRunInput, options: RunOptions): Promise<RunPreview> {
  const { plan, memo, expectedMs } = await planNewRun(store, input, options);
  return previewRun({
    plan,
    memoHits: new Set(memo.keys()),
    expectedMs,
    maxParallel: options.maxParallel,
    force: options.force,
  });
}
