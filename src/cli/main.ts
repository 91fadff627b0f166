// conveyor: run Task Master tasks as durable runs from the command line.
import { loadSettings, processEnvironment, type Environment, type Settings } from "../config.js";
import { buildProgram } from "./program.js";
import { reportError } from "./error-report.js";
import { processOutput, type Output } from "./follow.js";
import type { CliContext } from "./lazy-action.js";

/** Runs one command line; resolves with the exit code, having written everything it has to say. */
export async function main(argv: string[], out: Output = processOutput, env: Environment = processEnvironment()): Promise<number> {
  let settings: Settings | undefined;
  const ctx: CliContext = { out, code: 0, env, settings: () => (settings ??= loadSettings(env)) };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return ctx.code;
  } catch (err) {
    const debug = program.opts<{ debug?: boolean }>().debug === true || debugSetting(ctx);
    const report = reportError(err, debug);
    if (report.text) out.error(report.text);
    return report.code;
  }
}

/** CONVEYOR_DEBUG, false when the settings themselves are what failed. */
function debugSetting(ctx: CliContext): boolean {
  try {
    return ctx.settings().CONVEYOR_DEBUG;
  } catch {
    return false;
  }
}
