// `conveyor plan` (and `conveyor run --dry-run`): the run `run` would start with
// the same flags, previewed from the store's memo and history, recording nothing.
import type { Settings } from "../../config.js";
import type { RunPreview } from "../../core/preview.js";
import type { TaskSource } from "../../core/task.js";
import type { Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { planText, type PlanHeader } from "../plan-view.js";
import { orNothingToRun } from "../nothing-to-run.js";
import { loadRunSource, runInputFor, startRequestFromFlags, type RunFlags } from "../run-input.js";
import type { StartRunRequest } from "../../taskmaster-sync/start-request.js";

/** The --json document's shape version: bumped only when a field changes meaning or goes away. */
export const PLAN_JSON_VERSION = 1;

export async function planCommand(f: RunFlags & { json?: boolean }, out: Output, settings?: Settings): Promise<number> {
  return showPlan(f, out, settings);
}

/** Prints the plan for run flags (plus --json); exits 0, or refuses as `run` would. */
export async function showPlan(f: RunFlags & { json?: boolean | undefined }, out: Output, settings?: Settings): Promise<number> {
  const request = startRequestFromFlags(f);
  const source = loadRunSource(request);
  return orNothingToRun(source, out, () => previewOf(request, f.json === true, source, out, settings));
}

async function previewOf(
  request: StartRunRequest,
  json: boolean,
  loaded: TaskSource,
  out: Output,
  settings: Settings | undefined,
): Promise<number> {
  const input = runInputFor(request, loaded);
  return withApp(
    async (app) => {
      const preview = await app.engine.previewRun(input);
      for (const w of preview.warnings) out.error(`warning: ${w}\n`);
      const source = input.source;
      const header: PlanHeader = {
        origin: source.origin,
        ...(source.tag !== undefined ? { tag: source.tag } : {}),
        ...(input.selectionText !== undefined ? { selection: input.selectionText } : {}),
      };
      if (input.options?.command === undefined && source.format !== "inline") {
        out.error("warning: no --command: `run` needs one to run these tasks, and memo hits count only for runs with the same command\n");
      }
      out.write(json ? `${JSON.stringify(planJson(preview, header, source.format), null, 2)}\n` : planText(preview, header));
      return 0;
    },
    { settings },
  );
}

function planJson(preview: RunPreview, header: PlanHeader, format: string) {
  return { version: PLAN_JSON_VERSION, source: { ...header, format }, ...preview };
}
