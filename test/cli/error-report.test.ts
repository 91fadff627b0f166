// How an error becomes a line on stderr and an exit code (src/cli/error-report.ts):
// bad input 2 with the flag's name, a store in use 3, anything unexpected one line
// that says how to see the stack, which --debug shows.
import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { InvalidOptionError, StoreLockedError, UnknownTasksError } from "../../src/core/errors.js";
import { parseRunOptions } from "../../src/core/run-options.js";
import { reportError } from "../../src/cli/error-report.js";
import { thrown } from "../support/thrown.js";

describe("reportError", () => {
  it("names the flag, not the option path, of a run option's error", () => {
    const err = thrown(() => parseRunOptions({ retry: { retryLimit: -1 } }));
    expect(reportError(err, false)).toEqual({ code: 2, text: "error: --retries: too small: expected number to be >=0\n" });
    expect(reportError(new InvalidOptionError("CONVEYOR_LEASE_MS", "a whole number"), false).text).toBe(
      "error: CONVEYOR_LEASE_MS: a whole number\n",
    );
  });

  it("exits 0 after help or the version, 2 after commander's own errors (it wrote them)", () => {
    expect(reportError(new CommanderError(0, "commander.help", "(outputHelp)"), false)).toEqual({ code: 0, text: "" });
    expect(reportError(new CommanderError(0, "commander.version", "0.1.0"), false)).toEqual({ code: 0, text: "" });
    expect(reportError(new CommanderError(1, "commander.unknownCommand", "error: unknown command 'x'"), false)).toEqual({
      code: 2,
      text: "",
    });
    expect(reportError(new CommanderError(1, "commander.help", "(outputHelp)"), false)).toEqual({ code: 2, text: "" });
  });

  it("exits 3 for a store in use and 2 for other expected errors", () => {
    expect(reportError(new StoreLockedError("in use by process 7"), false)).toEqual({ code: 3, text: "error: in use by process 7\n" });
    expect(reportError(new UnknownTasksError(["x"]), false)).toEqual({ code: 2, text: "error: unknown task id: x\n" });
  });

  it("reports an unexpected error in one line without --debug, with its stack with it", () => {
    const err = new TypeError("cannot read properties of undefined\nsecond line");
    const quiet = reportError(err, false);
    expect(quiet.code).toBe(1);
    expect(quiet.text).toBe(
      "error: unexpected: cannot read properties of undefined (run again with --debug or CONVEYOR_DEBUG=1 for the stack trace)\n",
    );
    expect(reportError(err, true).text).toContain(err.stack!);
  });
});
