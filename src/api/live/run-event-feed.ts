// One live, gapless copy of a run's recent events per server, shared by every
// runEvents / runEventBatches subscriber of that run: one bus subscription, one
// database read per gap or idle poll, and the same chunk objects for everyone,
// so a selection set asked by many is executed once per chunk (see
// fast/shared-execution.ts). The bus is subscribed before the window is
// anchored in the database, so nothing committed in between is missed; a gap in
// what the bus delivers (a lost message, a Redis outage) is filled from the
// database; an idle feed re-reads the database now and then, so a silent bus
// cannot stall it.
import type { EventBus, RunEvent } from "../../engine/ports.js";
import { topics } from "../../engine/topics.js";
import type { RunStore } from "../../engine/store.js";

export interface FeedDeps {
  store: Pick<RunStore, "readEvents" | "getRun">;
  bus: EventBus;
}

export interface FeedOptions {
  /** Events read per database query. */
  pageSize?: number;
  /** An idle feed re-reads the database this often. */
  pollMs?: number;
  /** Events kept in memory per run; a subscriber further behind reads the database. */
  retain?: number;
  /** Live events are coalesced this long into one batch (runEventBatches). */
  batchMs?: number;
}

/**
 * What subscribers get up to `to`: the newest slice, or for one behind, the
 * events since its last one; subscribers at the same point get the same object,
 * so its execution is shared (a fan-out slower than the batches puts many
 * subscribers at the same point behind).
 */
class Level {
  /** Highest seq visible at this level. */
  to = 0;
  /** Slices handed out since `to` last moved, by the seq before them. */
  private slices = new Map<number, readonly RunEvent[]>();
  private waiting: { promise: Promise<void>; resolve: () => void } | null = null;

  publish(after: number, events: readonly RunEvent[]): void {
    this.slices = new Map([[after, events]]);
    this.to = events[events.length - 1]!.seq;
    this.wake();
  }

  /** Events after `last` up to `to`, taken from `window` (which starts at `first`) once per point. */
  slice(last: number, window: readonly RunEvent[], first: number): readonly RunEvent[] {
    let s = this.slices.get(last);
    if (!s) this.slices.set(last, (s = window.slice(last + 1 - first, this.to + 1 - first)));
    return s;
  }

  changed(): Promise<void> {
    if (!this.waiting) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiting = { promise, resolve };
    }
    return this.waiting.promise;
  }

  wake(): void {
    this.waiting?.resolve();
    this.waiting = null;
  }
}

export class RunEventFeed {
  /** Resolves once the window is anchored in the database. */
  readonly ready: Promise<void>;
  /** Set when the feed failed: its subscribers fail with it. */
  error: unknown = null;
  refs = 0;
  readonly pageSize: number;
  private readonly pollMs: number;
  private readonly retain: number;
  private readonly batchMs: number;
  /** Contiguous events first..last (first = last + 1 when empty). */
  private window: RunEvent[] = [];
  private first = 1;
  private last = 0;
  private readonly live = new Level();
  private readonly batched = new Level();
  private batchTimer: NodeJS.Timeout | null = null;
  private inbox: RunEvent[] = [];
  private overflow = false;
  closed = false;
  private kick = () => {};
  private readonly unsubscribe: () => void;

  constructor(
    private readonly deps: FeedDeps,
    readonly runId: string,
    o: FeedOptions = {},
  ) {
    this.pageSize = o.pageSize ?? 500;
    this.pollMs = o.pollMs ?? 3_000;
    this.retain = o.retain ?? 10_000;
    this.batchMs = o.batchMs ?? 20;
    this.unsubscribe = deps.bus.subscribe(topics.runEvents(runId), (events) => {
      if (this.inbox.length + events.length > this.retain) {
        this.inbox = [];
        this.overflow = true; // the database has them all: re-read instead of holding them
      } else this.inbox.push(...events);
      this.kick();
    });
    const pumping = this.pump();
    this.ready = pumping.anchored;
    pumping.anchored.catch(() => {}); // reported through `done`, and to whoever awaits `ready`
    void pumping.done.catch((err: unknown) => this.fail(err));
  }

  /**
   * Events after `last` this feed can give (live: as soon as they arrive; batched:
   * once their batch closed), as one array: the very object every subscriber in
   * step gets. Empty: nothing yet. null: `last` is older than the window, read the
   * database.
   */
  since(last: number, batched: boolean): readonly RunEvent[] | null {
    const level = batched ? this.batched : this.live;
    if (last >= level.to) return [];
    if (last + 1 < this.first) return null;
    return level.slice(last, this.window, this.first);
  }

  /** Resolves when since() may have more (or the feed failed or closed). */
  changed(batched: boolean): Promise<void> {
    return (batched ? this.batched : this.live).changed();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.kick();
    this.live.wake();
    this.batched.wake();
  }

  private fail(err: unknown): void {
    this.error = err;
    this.close();
  }

  private append(events: readonly RunEvent[]): void {
    if (events.length === 0) return;
    const after = this.last;
    this.window.push(...events);
    this.last = events[events.length - 1]!.seq;
    // trim in halves, so that trimming costs O(1) per event
    if (this.window.length > 2 * this.retain) {
      this.window = this.window.slice(-this.retain);
      this.first = this.window[0]!.seq;
    }
    this.live.publish(after, events);
    if (this.batchMs <= 0) this.batched.publish(after, events);
    else if (!this.batchTimer) {
      this.batchTimer = setTimeout(() => {
        this.batchTimer = null;
        // events trimmed meanwhile are not in the batch: its `after` says so
        const after = Math.max(this.batched.to, this.first - 1);
        this.batched.publish(after, this.window.slice(after + 1 - this.first));
      }, this.batchMs);
    }
  }

  /** Reads the database after `last` until it has nothing more. */
  private async fill(): Promise<void> {
    for (;;) {
      const page = await this.deps.store.readEvents(this.runId, this.last, this.pageSize);
      if (this.closed) return;
      this.append(page);
      if (page.length < this.pageSize) return;
    }
  }

  private idle(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.pollMs);
      this.kick = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  private pump(): { anchored: Promise<void>; done: Promise<void> } {
    const anchored = (async () => {
      const run = await this.deps.store.getRun(this.runId);
      // one page before the run's end is kept too: most subscribers start there
      this.last = Math.max(0, (run?.lastSeq ?? 0) - this.pageSize);
      this.first = this.last + 1;
      this.live.to = this.batched.to = this.last;
      await this.fill();
    })();
    const done = (async () => {
      await anchored;
      while (!this.closed) {
        if (this.inbox.length === 0 && !this.overflow) {
          if (!(await this.idle())) await this.fill();
          continue;
        }
        if (this.overflow) {
          this.overflow = false;
          await this.fill();
          continue;
        }
        const batch = this.inbox;
        this.inbox = [];
        let run: RunEvent[] = [];
        for (const e of batch) {
          if (e.seq > this.last + run.length + 1) {
            // a gap: the database has what the bus lost
            this.append(run);
            run = [];
            await this.fill();
            if (this.closed) return;
          }
          if (e.seq === this.last + run.length + 1) run.push(e);
        }
        this.append(run);
      }
    })();
    return { anchored, done };
  }
}
