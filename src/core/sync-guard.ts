// What status write-back needs before a run starts: a tasks file to write into.
// Checked where every start and preview passes (the engine's planNewRun), so no
// caller — CLI, API, library — can start a syncStatus run it could never sync.
import { InvalidOptionError } from "./errors.js";
import type { TaskSource } from "./task.js";

export function refuseUnsyncable(source: TaskSource, options: { syncStatus: boolean }): void {
  if (options.syncStatus && source.format === "inline") {
    throw new InvalidOptionError("syncStatus", "status write-back needs a tasks file, not inline tasks");
  }
}
