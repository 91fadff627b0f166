// What a local run needs before it is recorded: a working folder that exists and
// a command for every task it will run. Without this check such a run was
// recorded, retried each task's configuration error and ended failed. The error
// is the one bad options get, so the CLI exits 2, GraphQL answers InvalidOption, REST 400.
import { statSync } from "node:fs";
import { InvalidOptionError } from "../core/errors.js";
import type { PlanUnit } from "../core/task.js";

const MAX_NAMED = 10;

export function checkLocalRun(units: readonly PlanUnit[], opts: { command?: string; cwd: string; cwdGiven: string | undefined }): void {
  if (opts.cwdGiven !== undefined) {
    let isDir: boolean;
    try {
      isDir = statSync(opts.cwd).isDirectory();
    } catch {
      throw new InvalidOptionError("cwd", `${opts.cwdGiven} does not exist; give a folder to run the commands in`);
    }
    if (!isDir) throw new InvalidOptionError("cwd", `${opts.cwdGiven} is not a folder; give a folder to run the commands in`);
  }
  if (opts.command !== undefined) return;
  // a unit that starts settled (done in the file) never runs; an expanded parent has nothing to run
  const bare = units.filter((u) => u.kind === "task" && u.initial === undefined && !u.command).map((u) => u.id);
  if (bare.length === 0) return;
  const named = bare.length > MAX_NAMED ? `${bare.slice(0, MAX_NAMED).join(", ")} and ${bare.length - MAX_NAMED} more` : bare.join(", ");
  throw new InvalidOptionError(
    "command",
    `${bare.length === 1 ? "task" : "tasks"} ${named} ${bare.length === 1 ? "has" : "have"} no command; ` +
      `give the run a command template (--command './do-task.sh {id}', or options.command) or each task a command`,
  );
}
