// Task Master status write-back (docs/taskmaster.md).
import { InvalidOptionError } from "../core/errors.js";
import type { TaskSource } from "../core/task.js";
import type { EventBus } from "../engine/ports.js";
import { StatusSync } from "./status-sync.js";

export { StatusSync } from "./status-sync.js";

/** Checks before a run starts that its source can take statuses back: a tasks file, not inline tasks. */
export function assertSyncable(source: TaskSource): void {
  if (source.format === "inline") throw new InvalidOptionError("syncStatus", "status write-back needs a tasks file, not inline tasks");
}

export function startStatusSync(bus: EventBus, runId: string, source: TaskSource, warn: (m: string) => void): StatusSync {
  return new StatusSync({ bus, runId, file: source.origin, tag: source.tag, warn });
}
