// runEvents and runEventBatches: every event after `after`, replayed from the
// database, then live from the run's shared feed (run-event-feed.ts), with no
// gap and no duplicate across the switch: the seq of the last delivered event
// decides what comes next (feed-cursor.ts). Under overload the lag stays bounded:
// a fan-out that has not drained holds the next batch (one larger list instead
// of many), a list holds at most maxBatch events, and a live subscriber that
// falls more than the feed's window behind is dropped with SUBSCRIBER_DROPPED.
import type { RunEvent } from "../../engine/ports.js";
import { FeedCursor } from "./feed-cursor.js";
import { RunEventFeed, type FeedDeps, type FeedOptions } from "./run-event-feed.js";
import { Turnstile } from "./turnstile.js";

export interface FeedsDeps extends FeedDeps {
  /** Whether this process drives any run now (the engine answers; without it, no). */
  isDriving?(): boolean;
}

export interface FeedsOptions extends FeedOptions {
  /** Events per database read of a subscriber's replay. */
  replayPageSize?: number;
}

/**
 * Larger than a feed's page: a replay of a long history reads fewer pages, and
 * the store's rows (up to 256 events, not aligned to any read) are read twice at
 * a page's edges only. A replay holds two (one read ahead).
 */
const REPLAY_PAGE_SIZE = 1_024;

export class RunEventFeeds {
  private readonly feeds = new Map<string, RunEventFeed>();
  /**
   * Subscribers woken by new events go on in groups (see turnstile.ts): groups of
   * 8 while this process drives runs, whose timers and commits must not wait
   * behind a fan-out; of 32 on a replica that only serves watchers, where a batch
   * then reaches its 1,000 subscribers sooner, for less CPU (runEventBatches at
   * 1,000 events/s on replica B: p99 85–86 ms against 90–101, two runs each).
   */
  private readonly turnstile = new Turnstile(() => (this.deps.isDriving?.() ? 8 : 32));

  constructor(
    private readonly deps: FeedsDeps,
    private readonly options: FeedsOptions = {},
  ) {}

  /** One event at a time, each as soon as the feed has it. */
  events(runId: string, after: number): FeedCursor<RunEvent> {
    return this.follow<RunEvent>(runId, after, false);
  }

  /**
   * Lists of consecutive events: live ones coalesced over the feed's batchMs, and
   * everything a slow client has not taken yet in one list.
   */
  batches(runId: string, after: number): FeedCursor<readonly RunEvent[]> {
    return this.follow<readonly RunEvent[]>(runId, after, true);
  }

  /** Runs with a feed (someone follows them). */
  get size(): number {
    return this.feeds.size;
  }

  close(): void {
    for (const f of this.feeds.values()) f.close();
    this.feeds.clear();
  }

  private follow<T extends RunEvent | readonly RunEvent[]>(runId: string, after: number, batched: boolean): FeedCursor<T> {
    return new FeedCursor<T>(after, batched, {
      join: () => this.join(runId, after),
      readEvents: (id, afterSeq, limit) => this.deps.store.readEvents(id, afterSeq, limit),
      replayPageSize: this.options.replayPageSize ?? REPLAY_PAGE_SIZE,
      turnstile: this.turnstile,
      leave: (feed) => this.leave(feed),
    });
  }

  private join(runId: string, after: number): RunEventFeed {
    let f = this.feeds.get(runId);
    if (!f || f.closed) this.feeds.set(runId, (f = new RunEventFeed(this.deps, runId, this.options, this.turnstile, after)));
    f.refs++;
    return f;
  }

  private leave(f: RunEventFeed): void {
    if (--f.refs > 0) return;
    f.close();
    if (this.feeds.get(f.runId) === f) this.feeds.delete(f.runId);
  }
}
