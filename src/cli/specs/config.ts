// conveyor config: every setting, its value here, its default and what it does;
// the work is in commands/config.ts.
import type { Command } from "commander";
import { environmentHelp, ENV } from "../environment.js";
import type { CliContext } from "../lazy-action.js";

export function defineConfigCommand(program: Command, ctx: CliContext): void {
  program
    .command("config")
    .summary("every setting: its value here, its default and what it does")
    .description(
      "list every setting Conveyor reads from its environment: the value it has here (secrets hidden), its default, what it allows and what it does; a bad value is refused as every command refuses it",
    )
    .option("--json", "as JSON")
    .addHelpText("after", environmentHelp(ENV.none))
    .action(async (opts: { json?: boolean }) => {
      // parsed first, as for every command: a bad value is reported, not listed
      const settings = ctx.settings();
      const { configCommand } = await import("../commands/config.js");
      ctx.code = configCommand(opts, ctx.out, ctx.env, settings);
    });
}
