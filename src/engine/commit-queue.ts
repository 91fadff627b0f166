// Group commit. Transitions made while a commit is in flight (or within the same
// turn of the event loop) accumulate in one batch and are written together by
// the next commit, so the number of commits tracks the database's pace, not the
// number of transitions. Callbacks that depend on a transition being durable
// (starting a dependent, publishing, returning) run only after its commit.
//
// A batch that nothing waits for (tasks started and finished, no dependent to
// start, no run status to settle) gathers for up to COMMIT_WINDOW_MS first: each
// commit costs CPU in this process and in the database, and on a small machine
// that CPU is taken from the task processes. A batch something waits for
// commits at once.
import { PendingWrites } from "./pending-writes.js";

/**
 * The longest a batch nobody waits for holds before committing. At maxParallel 1
 * with 2 ms task processes, one commit per task made Conveyor 1.3–1.5× a bare
 * spawn loop; gathering for 10 ms brings it to the executor's own cost. Events
 * reach subscribers at most this much later.
 */
const COMMIT_WINDOW_MS = 10;

export class CommitQueue {
  private pending = new PendingWrites();
  private inFlight: Promise<void> | null = null;
  private scheduled: false | "now" | "window" = false;
  private windowTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private failed: unknown = null;

  /** `write` must persist the batch atomically or throw; it is never called concurrently. */
  constructor(
    private readonly write: (w: PendingWrites) => Promise<void>,
    private readonly onFatal: (err: unknown) => void,
    private readonly windowMs = COMMIT_WINDOW_MS,
  ) {}

  /** The batch being gathered (the journal adds to it; nothing else does). */
  get current(): PendingWrites {
    return this.pending;
  }

  /** Whether the pending batch must commit without waiting for the window: it is due, or idle() waits. */
  private get urgent(): boolean {
    return this.pending.due || this.idleWaiters.length > 0;
  }

  /** Asks for the pending batch to be committed: at once if it is urgent, else within the window. */
  request(): void {
    if (this.inFlight || this.failed) return;
    if (this.urgent) {
      if (this.scheduled === "now") return;
      clearTimeout(this.windowTimer);
      this.scheduled = "now";
      // after the current I/O phase, so completions arriving together share a commit
      setImmediate(this.flushScheduled);
    } else if (!this.scheduled) {
      this.scheduled = "window";
      this.windowTimer = setTimeout(this.flushScheduled, this.windowMs);
    }
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false;
    clearTimeout(this.windowTimer);
    void this.flush();
  };

  private async flush(): Promise<void> {
    if (this.inFlight || this.failed) return;
    if (this.pending.isEmpty) return this.notifyIdle();
    const batch = this.pending;
    this.pending = new PendingWrites();
    this.inFlight = this.write(batch);
    try {
      await this.inFlight;
    } catch (err) {
      this.failed = err;
      this.inFlight = null;
      this.notifyIdle();
      this.onFatal(err);
      return;
    }
    this.inFlight = null;
    batch.committed();
    if (this.pending.isEmpty) this.notifyIdle();
    else if (this.urgent) void this.flush();
    else this.request();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once everything requested so far is committed (or the queue failed). */
  idle(): Promise<void> {
    if (this.failed || (!this.inFlight && !this.scheduled && this.pending.isEmpty)) return Promise.resolve();
    const p = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.request();
    return p;
  }
}
