// Nothing ready, no task with the statuses asked for, an empty tag: nothing to do,
// which is a success (exit 0), so a loop running what is ready can tell it from
// bad input (2). `run` and `plan` answer it alike, recording nothing.
import { NothingToRunError } from "../core/errors.js";
import type { TaskSource } from "../core/task.js";
import type { Output } from "./follow.js";

/** Runs `fn`; a NothingToRunError becomes its message on stdout (after the file's warnings) and exit 0. */
export async function orNothingToRun(source: TaskSource | undefined, out: Output, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof NothingToRunError)) throw err;
    for (const w of source?.warnings ?? []) out.error(`warning: ${w}\n`);
    out.write(`${err.message}\n`);
    return 0;
  }
}
