// conveyor: run Task Master tasks as durable runs from the command line.
import { buildProgram } from "./program.js";
import { debugFromEnv, reportError } from "./error-report.js";
import { processOutput, type Output } from "./follow.js";
import type { CliContext } from "./lazy-action.js";

/** Runs one command line; resolves with the exit code, having written everything it has to say. */
export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  const ctx: CliContext = { out, code: 0 };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return ctx.code;
  } catch (err) {
    const debug = program.opts<{ debug?: boolean }>().debug === true || debugFromEnv();
    const report = reportError(err, debug);
    if (report.text) out.error(report.text);
    return report.code;
  }
}
