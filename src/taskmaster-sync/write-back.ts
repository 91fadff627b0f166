// Status write-back for every run this process drives that asked for it
// (options.syncStatus), however the driving began: started here, resumed,
// recovered after a crash, taken over from another replica, or woken to retry
// or mark a task. Each stretch of driving gets its own StatusSync, opened before
// anything is dispatched and closed when the engine lets the run go.
import type { DriveListener, Engine } from "../engine/engine.js";
import type { RunRecord } from "../engine/store.js";
import { StatusSync } from "./status-sync.js";

export class StatusWriteBack {
  private readonly closing = new Set<Promise<void>>();
  private readonly off: () => void;

  constructor(
    private readonly engine: Pick<Engine, "onDrive" | "bus">,
    private readonly warn: (message: string) => void,
  ) {
    this.off = engine.onDrive((run) => this.follow(run));
  }

  /** Stops following new runs and waits until every write-back has written what it had. */
  async close(): Promise<void> {
    this.off();
    while (this.closing.size > 0) await Promise.all(this.closing);
  }

  private follow(run: RunRecord): ReturnType<DriveListener> {
    if (!run.options.syncStatus) return undefined;
    let sync: StatusSync;
    try {
      // the run keeps where its tasks came from: the same file and tag take the statuses
      sync = new StatusSync({ bus: this.engine.bus, runId: run.id, file: run.source.origin, tag: run.source.tag, warn: this.warn });
    } catch (err) {
      this.warn(`status write-back to ${run.source.origin} is off for run ${run.id}: ${(err as Error).message}`);
      return undefined;
    }
    return () => {
      const closed = sync.close().finally(() => this.closing.delete(closed));
      this.closing.add(closed);
    };
  }
}
