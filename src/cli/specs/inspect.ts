// The commands that read stored runs: status, runs and logs; the work is in
// commands/status.ts and commands/logs.ts.
import { Option, type Command } from "commander";
import { RUN_STATUSES } from "../../core/status.js";
import { environmentHelp, ENV } from "../environment.js";
import { lazy, type CliContext } from "../lazy-action.js";

const RUN_ID = "the run's id, or any prefix only it starts with";
const status = () => import("../commands/status.js");

export function defineInspectCommands(program: Command, ctx: CliContext): void {
  const storeEnv = environmentHelp(ENV.store);
  program
    .command("status")
    .summary("a run's counts, progress, ETA and the tasks worth a look")
    .description(
      "a run's counts, progress and ETA, and the tasks worth a look: those that failed (with the last lines of their stderr), were retried or did not run",
    )
    .argument("<run>", RUN_ID)
    .option("--all", "list every task, not only those that failed, were retried or did not run")
    .option("--json", "everything as JSON: the run, its progress with per-task figures, every task")
    .addHelpText("after", storeEnv)
    .action(lazy(ctx, () => status().then((m) => m.statusCommand)));
  program
    .command("runs")
    .description("recent runs, newest first")
    .option("--status <list>", `only runs with these statuses (${RUN_STATUSES.join(", ")})`)
    .addOption(new Option("--limit <n>", "at most n runs").default("20", "20"))
    .option("--json", "as JSON")
    .addHelpText("after", storeEnv)
    .action(lazy(ctx, () => status().then((m) => m.runsCommand)));
  program
    .command("logs")
    .summary("the stored output of a task's attempts, or of a run's failed tasks")
    .description(
      "the stored output of a task's attempts (the last 64 KiB of stdout and of stderr each); without a task, the run's failed tasks with the end of their stderr",
    )
    .argument("<run>", RUN_ID)
    .argument("[task]", "the task's id")
    .option("--attempt <n>", "only this attempt (1 is the first)")
    .addOption(new Option("--lines <n>", "without a task: lines of stderr shown per failed task").default("10", "10"))
    .option("--json", "the attempts as JSON")
    .option("-f, --follow", "stream a task's output live as it runs, from a running server (needs --server)")
    .addOption(new Option("--server <url>", "the server to follow from, with --follow (or CONVEYOR_SERVER); the run id must then be whole"))
    .addOption(new Option("--token <token>", "bearer token for the server, with --follow (or CONVEYOR_TOKEN)"))
    .addHelpText("after", storeEnv)
    .action(lazy(ctx, () => import("../commands/logs.js").then((m) => m.logsCommand)));
}
