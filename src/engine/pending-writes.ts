// The batch a run's journal gathers for its next group commit (commit-queue.ts).
import type { RunEvent } from "./ports.js";
import type { AttemptRecord, MemoWrite } from "./store.js";

/**
 * The batch being gathered for the next commit. Its contents are private: the
 * journal adds to it by name (a unit's row, an attempt row, an event, a memo
 * entry, a callback to run once committed), and the writer reads it back once
 * the queue hands it over.
 */
export class PendingWrites {
  private readonly dirty = new Set<number>();
  /** Keyed "index:number" so that two writes of one attempt's row collapse into one. */
  private readonly attemptRows = new Map<string, AttemptRecord>();
  private readonly eventList: RunEvent[] = [];
  private readonly memoEntries: MemoWrite[] = [];
  private readonly afterCommitFns: (() => void)[] = [];
  private checkpointAs: string | undefined;
  /** Forces a commit even with no row changes (e.g. a run status change). */
  private runChange = false;
  /** Something outside the batch's callbacks waits for it (a command, a run-level event). */
  private prompt = false;

  /** A unit's row changed: the writer reads the row as it is when the batch commits. */
  touch(i: number): void {
    this.dirty.add(i);
  }

  putAttempt(a: AttemptRecord): void {
    this.attemptRows.set(`${a.index}:${a.number}`, a);
  }

  addEvent(e: RunEvent): void {
    this.eventList.push(e);
  }

  /**
   * Adds the event of the checkpoint this batch takes. run.finished stays the run's
   * last event: the final checkpoint's event goes before it, taking its number.
   */
  addCheckpointEvent(e: RunEvent): void {
    const events = this.eventList;
    const last = events[events.length - 1];
    if (last?.type !== "run.finished") return void events.push(e);
    [e.seq, last.seq] = [last.seq, e.seq];
    events.splice(events.length - 1, 0, e);
  }

  addMemo(m: MemoWrite): void {
    this.memoEntries.push(m);
  }

  /** Runs `fn` once this batch is durable; the batch then commits without waiting for the window. */
  afterCommit(fn: () => void): void {
    this.afterCommitFns.push(fn);
  }

  /** The batch takes a checkpoint (a later reason replaces an earlier one). */
  takeCheckpoint(reason: string): void {
    this.checkpointAs = reason;
  }

  /** The run's own row changed (status, reason, times). */
  markRunChanged(): void {
    this.runChange = true;
  }

  /** Someone outside the batch's callbacks waits for it (a command's caller, a run-level event's watcher). */
  markAwaited(): void {
    this.prompt = true;
  }

  get units(): ReadonlySet<number> {
    return this.dirty;
  }

  get attempts(): Iterable<AttemptRecord> {
    return this.attemptRows.values();
  }

  get attemptCount(): number {
    return this.attemptRows.size;
  }

  get events(): readonly RunEvent[] {
    return this.eventList;
  }

  get memo(): readonly MemoWrite[] {
    return this.memoEntries;
  }

  get checkpointReason(): string | undefined {
    return this.checkpointAs;
  }

  get runChanged(): boolean {
    return this.runChange;
  }

  /** Runs the batch's after-commit callbacks, in the order they were added (the queue calls it once the batch is durable). */
  committed(): void {
    for (const fn of this.afterCommitFns) fn();
  }

  /**
   * Whether anything waits for this batch to be durable, so it must not gather longer.
   * An interval checkpoint does not: it rides with whichever batch comes next.
   */
  get due(): boolean {
    return this.prompt || this.runChange || this.afterCommitFns.length > 0;
  }

  get isEmpty(): boolean {
    return (
      !this.runChange &&
      this.dirty.size === 0 &&
      this.attemptRows.size === 0 &&
      this.eventList.length === 0 &&
      this.checkpointAs === undefined &&
      this.afterCommitFns.length === 0
    );
  }
}
