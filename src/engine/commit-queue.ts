// Group commit. Transitions made while a commit is in flight (or within the same
// turn of the event loop) accumulate in one batch and are written together by
// the next commit, so the number of commits tracks the database's pace, not the
// number of transitions. Callbacks that depend on a transition being durable
// (starting a dependent, publishing, returning) run only after its commit.
import type { RunEvent } from "./ports.js";
import type { AttemptRecord, MemoEntry } from "./store.js";

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

  putAttempt(a: AttemptRecord): void {
    this.attempts.set(`${a.index}:${a.number}`, a);
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
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  private failed: unknown = null;

  /** `write` must persist the batch atomically or throw; it is never called concurrently. */
  constructor(
    private readonly write: (w: PendingWrites) => Promise<void>,
    private readonly onFatal: (err: unknown) => void,
  ) {}

  get current(): PendingWrites {
    return this.pending;
  }

  request(): void {
    if (this.scheduled || this.inFlight || this.failed) return;
    this.scheduled = true;
    // after the current I/O phase, so completions arriving together share a commit
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

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
    else void this.flush();
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
