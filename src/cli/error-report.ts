// One error style for every command: "error: …" on stderr, and the exit code
// says what kind: 2 bad input, 3 a store in use, 1 anything unexpected (whose
// stack only --debug or CONVEYOR_DEBUG=1 shows).
import { CommanderError } from "commander";
import { ConveyorError, InvalidOptionError, StoreLockedError, StoreOutageError } from "../core/errors.js";
import { flagForOption } from "./run-flags.js";
import { UsageError } from "./usage-error.js";

export const EXIT = { ok: 0, runFailed: 1, unexpected: 1, usage: 2, storeInUse: 3 } as const;

export interface Report {
  code: number;
  /** For stderr; empty when the message is already out (commander prints its own). */
  text: string;
}

export function reportError(err: unknown, debug: boolean): Report {
  if (err instanceof CommanderError) {
    // commander already wrote its message; --help, `help <command>` and --version end parsing with exit code 0
    return { code: err.exitCode === 0 ? EXIT.ok : EXIT.usage, text: "" };
  }
  if (err instanceof StoreLockedError) return { code: EXIT.storeInUse, text: `error: ${err.message}\n` };
  // the run did not finish (1), but nothing was wrong with the input (2)
  if (err instanceof StoreOutageError) return { code: EXIT.runFailed, text: `error: ${err.message}\n` };
  if (err instanceof InvalidOptionError) return { code: EXIT.usage, text: `error: ${optionMessage(err)}\n` };
  if (err instanceof UsageError || err instanceof ConveyorError) return { code: EXIT.usage, text: `error: ${err.message}\n` };
  const e = err instanceof Error ? err : new Error(String(err));
  const text = debug
    ? `error: unexpected: ${e.stack ?? e.message}\n`
    : `error: unexpected: ${firstLine(e.message)} (run again with --debug or CONVEYOR_DEBUG=1 for the stack trace)\n`;
  return { code: EXIT.unexpected, text };
}

/** "maxParallel: Too small: …" → "--parallel: too small: …": the user typed a flag, not an option path. */
function optionMessage(err: InvalidOptionError): string {
  const flag = flagForOption(err.field);
  if (!flag) return err.message;
  const detail = err.message.slice(err.field.length + 2);
  return `${flag}: ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`;
}

const firstLine = (text: string) => text.split("\n", 1)[0]!;
