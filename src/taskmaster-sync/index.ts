// Task Master status write-back (docs/taskmaster.md).
import { InvalidOptionError } from "../core/errors.js";
import type { TaskSource } from "../core/task.js";

export { StatusSync } from "./status-sync.js";
export { StatusWriteBack } from "./write-back.js";

/** Checks before a run starts that its source can take statuses back: a tasks file, not inline tasks. */
export function assertSyncable(source: TaskSource): void {
  if (source.format === "inline") throw new InvalidOptionError("syncStatus", "status write-back needs a tasks file, not inline tasks");
}
