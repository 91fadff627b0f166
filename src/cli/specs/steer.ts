// The commands that steer a stored run: their arguments and help; the work is
// in commands/resume.ts and commands/control.ts.
import { Argument, type Command } from "commander";
import { environmentHelp, ENV } from "../environment.js";
import { lazy, type CliContext } from "../lazy-action.js";

const RUN_ID = "the run's id, or any prefix only it starts with";
const resume = () => import("../commands/resume.js");
const control = () => import("../commands/control.js");

export function defineSteerCommands(program: Command, ctx: CliContext): void {
  const engineEnv = environmentHelp(ENV.engine);
  program
    .command("resume")
    .summary("continue a run that stopped before the end")
    .description("continue a paused, failed, cancelled, timed-out or interrupted run, and follow it")
    .argument("<run>", RUN_ID)
    .option("--checkpoint <id>", "start from this checkpoint (or a prefix of its id) instead of the run's last state")
    .addHelpText("after", engineEnv)
    .action(lazy(ctx, () => resume().then((m) => m.resumeCommand)));
  program
    .command("recover")
    .summary("take over runs whose process died")
    .description("take over every run left running by a process that died, and follow them")
    .addHelpText("after", engineEnv)
    .action(lazy(ctx, () => resume().then((m) => m.recoverCommand)));
  program
    .command("checkpoint")
    .description("take a checkpoint of a run now; prints its id")
    .argument("<run>", RUN_ID)
    .addHelpText("after", engineEnv)
    .action(lazy(ctx, () => control().then((m) => m.checkpointCommand)));
  program
    .command("cancel")
    .summary("cancel a run")
    .description("cancel a run: running tasks get SIGTERM, then SIGKILL after the run's --cancel-grace")
    .argument("<run>", RUN_ID)
    .addHelpText("after", engineEnv)
    .action(lazy(ctx, () => control().then((m) => m.cancelCommand)));
  program
    .command("retry")
    .summary("run one failed task again")
    .description("run one failed task again (and what its failure skipped), and follow the run")
    .argument("<run>", RUN_ID)
    .argument("<task>", "the task's id")
    .addHelpText("after", engineEnv)
    .action(lazy(ctx, () => control().then((m) => m.retryCommand)));
  program
    .command("mark")
    .summary("count a failed task as done or skipped")
    .description("declare a failed task done or skipped so its dependents go on, and follow the run")
    .argument("<run>", RUN_ID)
    .argument("<task>", "the task's id")
    .addArgument(new Argument("<as>", "what the task counts as").choices(["done", "skipped"]))
    .addHelpText("after", engineEnv)
    .action(lazy(ctx, () => control().then((m) => m.markCommand)));
}
