// A command's action that imports the command's module only when it runs: help,
// --version and argument errors stay instant, and a command never loads the
// API or Kubernetes code another command needs.
import type { Command } from "commander";
import type { Environment, Settings } from "../config.js";
import type { Output } from "./follow.js";

export interface CliContext {
  out: Output;
  /** The exit code the action ran to. */
  code: number;
  /** The settings from the environment, parsed on first use (so --help and --version never fail on them). */
  settings: () => Settings;
  /** The environment the settings come from (this process's, or a test's). */
  env: Environment;
}

/** The arguments commander parsed, then the options, then where to write, then the settings. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandFn = (...args: any[]) => Promise<number>;

export function lazy(ctx: CliContext, load: () => Promise<CommandFn>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    // a bad setting stops the command before its code loads
    const settings = ctx.settings();
    const fn = await load();
    ctx.code = await fn(...command.processedArgs, command.opts(), ctx.out, settings);
  };
}
