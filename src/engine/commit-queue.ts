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
import type { RunEvent } from "./ports.js";
import type { AttemptRecord, MemoEntry } from "./store.js";

/**
 * The longest a batch nobody waits for holds before committing. At maxParallel 1
 * with 2 ms task processes, one commit per task made Conveyor 1.3–1.5× a bare
 * spawn loop; gathering for 10 ms brings it to the executor's own cost. Events
 * reach subscribers at most this much later.
 */
const COMMIT_WINDOW_MS = 10;

export class PendingWrites {
  readonly dirty = new Set<number>();
  /** Keyed "index:number" so a start and a finish of one attempt collapse into one row. */
  readonly attempts = new Map<string, AttemptRecord>();
  readonly events: RunEvent[] = [];
  readonly memo: MemoEntry[] = [];
  readonly after: (() => void)[] = [];
  checkpointReason: string | undefined;
  /** Forces a commit even with no row changes (e.g. a run status change). */
  runChanged = false;
  /** Something outside the batch's callbacks waits for it (a command, a run-level event). */
  prompt = false;

  putAttempt(a: AttemptRecord): void {
    this.attempts.set(`${a.index}:${a.number}`, a);
  }

  /**
   * Whether anything waits for this batch to be durable, so it must not gather longer.
   * An interval checkpoint does not: it rides with whichever batch comes next.
   */
  get due(): boolean {
    return this.prompt || this.runChanged || this.after.length > 0;
  }

  get isEmpty(): boolean {
    return (
      !this.runChanged &&
      this.dirty.size === 0 &&
      this.attempts.size === 0 &&
      this.events.length === 0 &&
      this.checkpointReason === undefined &&
      this.after.length === 0
    );
  }
}

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
    for (const fn of batch.after) fn();
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
