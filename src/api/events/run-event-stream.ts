// runEvents and runEventBatches: every event after `after`, replayed from the
// database, then live from the run's shared feed (run-event-feed.ts), with no
// gap and no duplicate across the switch: the seq of the last delivered event
// decides what comes next, from the feed's window when it still holds it, from
// the database when it does not (a late joiner, a reconnect, a slow client).
import { Repeater } from "graphql-yoga";
import type { RunEvent } from "../../engine/ports.js";
import { RunEventFeed, type FeedDeps, type FeedOptions } from "./run-event-feed.js";
import { Turnstile } from "./turnstile.js";

export class RunEventFeeds {
  private readonly feeds = new Map<string, RunEventFeed>();
  /** Subscribers woken by new events go on in groups (see turnstile.ts). */
  private readonly turnstile = new Turnstile();

  constructor(
    private readonly deps: FeedDeps,
    private readonly options: FeedOptions = {},
  ) {}

  /** One event at a time, each as soon as the feed has it. */
  events(runId: string, after: number): Repeater<RunEvent> {
    return this.follow<RunEvent>(runId, after, false, async (push, chunk) => {
      for (const e of chunk) await push(e);
    });
  }

  /**
   * Lists of consecutive events: live ones coalesced over the feed's batchMs, and
   * everything a slow client has not taken yet in one list.
   */
  batches(runId: string, after: number): Repeater<readonly RunEvent[]> {
    return this.follow<readonly RunEvent[]>(runId, after, true, (push, chunk) => push(chunk));
  }

  /** Runs with a feed (someone follows them). */
  get size(): number {
    return this.feeds.size;
  }

  close(): void {
    for (const f of this.feeds.values()) f.close();
    this.feeds.clear();
  }

  private follow<T>(runId: string, after: number, batched: boolean, deliver: (push: (v: T) => Promise<unknown>, chunk: readonly RunEvent[]) => Promise<unknown>): Repeater<T> {
    return new Repeater<T>(async (push, stop) => {
      const feed = this.join(runId);
      let stopped = false;
      const stopping = stop.then(() => void (stopped = true));
      let last = after;
      try {
        await Promise.race([feed.ready, stopping]);
        while (!stopped && !feed.closed) {
          const chunk = feed.since(last, batched) ?? (await this.deps.store.readEvents(runId, last, feed.pageSize));
          if (chunk.length === 0) {
            await Promise.race([feed.changed(batched), stopping]);
            await this.turnstile.pass();
            continue;
          }
          await deliver(push, chunk);
          last = chunk[chunk.length - 1]!.seq;
        }
        if (feed.error) throw feed.error;
      } catch (err) {
        stop(err);
      } finally {
        this.leave(feed);
      }
    });
  }

  private join(runId: string): RunEventFeed {
    let f = this.feeds.get(runId);
    if (!f || f.closed) this.feeds.set(runId, (f = new RunEventFeed(this.deps, runId, this.options)));
    f.refs++;
    return f;
  }

  private leave(f: RunEventFeed): void {
    if (--f.refs > 0) return;
    f.close();
    if (this.feeds.get(f.runId) === f) this.feeds.delete(f.runId);
  }
}
