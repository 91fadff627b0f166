// conveyor run: its flags and help; the work is in commands/run.ts.
import { Option, type Command } from "commander";
import { environmentHelp, ENV } from "../environment.js";
import { lazy, type CliContext } from "../lazy-action.js";
import { RUN_FLAGS } from "../run-flags.js";

/** The run flags (run-flags.ts) as commander options, each help line with its default. */
export function addRunFlags(cmd: Command): Command {
  for (const f of RUN_FLAGS) {
    const flags = `${f.short ? `-${f.short}, ` : ""}--${f.flag}${f.kind === "boolean" ? "" : ` <${f.placeholder ?? "value"}>`}`;
    cmd.addOption(new Option(flags, f.default ? `${f.help} (default: ${f.default})` : f.help));
  }
  return cmd;
}

/** Where the tasks come from and which of them: shared by run and plan. */
function addSourceFlags(cmd: Command): Command {
  return cmd
    .option("-t, --tasks <path>", "Task Master tasks.json, or a project folder holding .taskmaster/tasks/tasks.json")
    .option("--inline <json>", `tasks as JSON instead: '[{"id":"a","command":"make a"}]', '["id1","id2"]' or @file.json`)
    .option("--tag <tag>", "the tag to read (default: state.json's current tag, else master)")
    .option("-s, --select <spec>", "ids: 1-5, 3,7,9-11, 3.2, a JSON array, or all / ready (default: every task)")
    .option("--status <list>", "only tasks with these Task Master statuses, e.g. pending,in-progress");
}

export function defineRunCommand(program: Command, ctx: CliContext): void {
  const run = addSourceFlags(
    program
      .command("run")
      .summary("run tasks as one durable run")
      .description("run a selection of tasks as one durable run, and follow it to the end"),
  );
  addRunFlags(run)
    .option("--dry-run", "print the plan (as `conveyor plan`) and record nothing")
    .option("--json", "with --dry-run: the plan as JSON")
    .addHelpText(
      "after",
      `\nExamples:\n  conveyor run --tasks . --select 1-5 --parallel 4 --command './do-task.sh {id}'\n` +
        `  conveyor run --inline '["a","b"]' --command 'echo {id}'\n${environmentHelp(ENV.engine)}`,
    )
    .action(lazy(ctx, () => import("../commands/run.js").then((m) => m.runCommand)));

  const plan = addSourceFlags(
    program
      .command("plan")
      .summary("preview a run: order, levels, skips, critical path, ETA")
      .description(
        "resolve a selection exactly as `run` would and print what it would do, recording nothing: tasks by level, what is skipped and why, outside dependencies, the critical path and the ETA from history",
      ),
  );
  addRunFlags(plan)
    .option("--json", "the plan as JSON (docs/plan.md)")
    .addHelpText(
      "after",
      `\nExamples:\n  conveyor plan --tasks . --select ready --parallel 4 --command './do-task.sh {id}'\n${environmentHelp(ENV.engine)}`,
    )
    .action(lazy(ctx, () => import("../commands/plan.js").then((m) => m.planCommand)));
}
