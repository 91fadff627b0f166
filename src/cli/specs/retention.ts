// conveyor prune: deleting (or archiving) finished runs by age or count; the work is in commands/prune.ts.
import type { Command } from "commander";
import { environmentHelp, ENV } from "../environment.js";
import { lazy, type CliContext } from "../lazy-action.js";

export function defineRetentionCommands(program: Command, ctx: CliContext): void {
  program
    .command("prune")
    .summary("delete (or archive) finished runs older than an age or beyond a count")
    .description(
      "delete finished runs (with their tasks, attempts, events and checkpoints; cached results stay) older than --older-than " +
        "or beyond the newest --keep; without either, by CONVEYOR_RETENTION, where a run's own --retention replaces it. " +
        "With --archive (or CONVEYOR_RETENTION_ACTION=archive when no flag gives the policy), each run is folded into one compressed " +
        "archive row instead, still readable by status, logs and the API. Runs not finished are never deleted or archived.",
    )
    .option("--older-than <age>", "runs finished longer ago than this (30d, 12h, 90m, 2w)")
    .option("--keep <n>", "keep the newest n finished runs, delete the older ones")
    .option("--status <list>", "only runs with these statuses (succeeded, completed_with_failures, failed, cancelled, timed_out)")
    .option("--archive", "archive the runs instead of deleting them (runs already archived are passed over)")
    .option("--delete", "delete the runs, even when CONVEYOR_RETENTION_ACTION is archive")
    .option("--dry-run", "list what would be deleted (or archived), change nothing")
    .option("--json", "as JSON")
    .addHelpText("after", environmentHelp(ENV.prune))
    .action(lazy(ctx, () => import("../commands/prune.js").then((m) => m.pruneCommand)));
}
