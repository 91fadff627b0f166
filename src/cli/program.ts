// The conveyor command line: the root command, its global flags and the
// commands. Registering a command is one line in COMMANDS.
import { Command } from "commander";
import { environmentHelp, ENV } from "./environment.js";
import type { CliContext } from "./lazy-action.js";
import { defineConfigCommand } from "./specs/config.js";
import { defineServerCommands } from "./specs/server.js";
import { defineInspectCommands } from "./specs/inspect.js";
import { defineRetentionCommands } from "./specs/retention.js";
import { defineRunCommand } from "./specs/run.js";
import { defineSteerCommands } from "./specs/steer.js";
import { packageVersion } from "./version.js";

/** Each adds its commands to the program, in the order help lists them. */
const COMMANDS: ((program: Command, ctx: CliContext) => void)[] = [
  defineRunCommand,
  defineSteerCommands,
  defineInspectCommands,
  defineServerCommands,
  defineConfigCommand,
  defineRetentionCommands,
];

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("conveyor")
    .description("Run Task Master tasks in dependency order, durably: parallel, retried, resumable")
    .version(packageVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help for a command")
    .option("--debug", "print the stack trace of an unexpected error")
    .configureOutput({ writeOut: (s) => ctx.out.write(s), writeErr: (s) => ctx.out.error(s) })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    // settings commands made with .command() inherit: every one exits through main, suggests, points to help
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError("(add --help for usage)")
    .addHelpText(
      "after",
      `${environmentHelp(ENV.engine)}\nExit codes: 0 succeeded, 1 a run did not succeed, 2 bad input, 3 store in use, 130 interrupted.\n`,
    );
  for (const define of COMMANDS) define(program, ctx);
  return program;
}
