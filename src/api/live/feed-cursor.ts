// One subscriber's place in a run's shared feed, as a plain async iterator:
// next() gives what follows the last event it delivered, from the feed's window
// when it still holds it, from the database when it does not (a late joiner, a
// reconnect, a slow client). Hand-written rather than a Repeater: at a thousand
// subscribers the Repeater's promise hand-offs per message were a tenth of the
// server's CPU. return() ends it at once, even while it waits for events.
// A cursor is live once it reached the feed's window; a live one that falls
// more than the window behind is dropped (subscriber-dropped.ts): the replica
// holds no more for it, and a client that cannot keep up is told so.
import type { RunEvent } from "../../engine/ports.js";
import type { RunEventFeed } from "./run-event-feed.js";
import { SubscriberDroppedError } from "./subscriber-dropped.js";
import type { Turnstile } from "./turnstile.js";
import { NONE_READY, type Ready, type ReadyItems } from "./ready-items.js";

export interface CursorDeps {
  /** The run's feed, joined when the cursor is first read (a cursor returned unread never joins). */
  join(): RunEventFeed;
  readEvents(runId: string, afterSeq: number, limit: number): Promise<RunEvent[]>;
  /** Events per database read of history (a replay reads one page ahead). */
  replayPageSize: number;
  turnstile: Turnstile;
  /** Called once when a cursor that joined ends, whatever ended it. */
  leave(feed: RunEventFeed): void;
}

/** `batched`: each next() gives a list of events; otherwise one event at a time. */
export class FeedCursor<T extends RunEvent | readonly RunEvent[]> implements AsyncIterableIterator<T>, ReadyItems<T> {
  private queued: readonly RunEvent[] = [];
  /** Whether `queued` is a slice of the feed (other subscribers' too) rather than a page read for this one. */
  private queuedShared = true;
  private at = 0;
  private feed: RunEventFeed | null = null;
  private stopped = false;
  private left = false;
  /** Reached the feed's window: from then on it must keep within it. */
  private live = false;
  private stop!: () => void;
  /** The database page after a full one, read while that one is delivered. */
  private ahead: { after: number; page: Promise<RunEvent[]> } | null = null;
  private readonly stopping = new Promise<void>((r) => (this.stop = r));

  constructor(
    private last: number,
    private readonly batched: boolean,
    private readonly deps: CursorDeps,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.at < this.queued.length) {
      // runEvents takes a slice one event at a time: where it really is, is the event before this one
      const e = this.queued[this.at]!;
      if (this.live && this.feed!.behind(e.seq - 1) > this.feed!.retain) return this.drop(e.seq - 1);
      this.at++;
      return { value: e as T, done: false };
    }
    if (this.stopped) return { value: undefined, done: true };
    let feed = this.feed;
    try {
      if (!feed) {
        feed = this.feed = this.deps.join();
        await Promise.race([feed.ready, this.stopping]);
      }
      let passed = false;
      while (!this.stopped && !feed.closed) {
        const held = feed.since(this.last, this.batched);
        if (held && !this.live) this.live = true;
        else if (this.live && (!held || feed.behind(this.last) > feed.retain)) return this.drop(this.last);
        const chunk = held ?? (await this.read(feed));
        if (this.stopped) break;
        if (chunk.length === 0) {
          await Promise.race([feed.changed(this.batched), this.stopping]);
          await this.deps.turnstile.pass();
          passed = true;
          continue;
        }
        if (!passed) {
          // one with more to take at once (behind, or taking events one by one) waits its turn
          // too: subscribers falling behind must not hold up the run they watch
          await this.deps.turnstile.pass();
          passed = true;
          if (this.stopped) break;
        }
        this.last = chunk[chunk.length - 1]!.seq;
        if (this.batched) return { value: chunk as T, done: false };
        this.queued = chunk;
        this.queuedShared = held !== null;
        this.at = 1;
        return { value: chunk[0] as T, done: false };
      }
      if (!this.stopped && feed.error) throw feed.error;
    } catch (err) {
      this.end();
      throw err;
    }
    this.end();
    return { value: undefined, done: true };
  }

  private drop(after: number): never {
    const feed = this.feed!;
    const behind = feed.behind(after);
    this.queued = [];
    this.stopped = true;
    this.end();
    throw new SubscriberDroppedError(feed.runId, after, behind, feed.retain);
  }

  /**
   * The events of the chunk next() last read (a page from the database, a slice
   * of the feed) it has not given yet; `last` already counts them, so taking them
   * here or through next() delivers the same sequence. None for a batched cursor,
   * whose next() gives the whole chunk.
   */
  takeReady(max: number, stop?: (item: T) => boolean): Ready<T> {
    if (this.batched || this.stopped || this.at >= this.queued.length) return NONE_READY;
    const from = this.at;
    let to = Math.min(this.queued.length, from + Math.max(0, max));
    if (stop) {
      for (let i = from; i < to; i++) {
        if (stop(this.queued[i] as T)) {
          to = i;
          break;
        }
      }
    }
    this.at = to;
    return { items: this.queued.slice(from, to) as T[], shared: this.queuedShared };
  }

  async return(): Promise<IteratorResult<T>> {
    this.stopped = true;
    this.stop();
    this.end();
    return { value: undefined, done: true };
  }

  /**
   * The events after `last` from the database. After a full page the next is read
   * at once, so that a replay of a long history waits for the database only once,
   * not once per page: the database reads while the server sends.
   */
  private async read(feed: RunEventFeed): Promise<RunEvent[]> {
    const ahead = this.ahead;
    this.ahead = null;
    const size = this.deps.replayPageSize;
    const page = await (ahead?.after === this.last ? ahead.page : this.deps.readEvents(feed.runId, this.last, size));
    if (page.length === size && !this.stopped) {
      const after = page[page.length - 1]!.seq;
      const next = this.deps.readEvents(feed.runId, after, size);
      next.catch(() => {}); // a failure is thrown when the page is taken
      this.ahead = { after, page: next };
    }
    return page;
  }

  private end(): void {
    if (this.left || !this.feed) return;
    this.left = true;
    this.deps.leave(this.feed);
  }
}
