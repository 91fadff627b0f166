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
import type { Turnstile } from "./turnstile.js";

export interface FeedDeps {
  store: Pick<RunStore, "readEvents" | "getRun">;
  bus: EventBus;
}

export interface FeedOptions {
  /** Events read per database query. */
  pageSize?: number;
  /** An idle feed re-reads the database this often. */
  pollMs?: number;
  /**
   * Events kept in memory per run; a subscriber further behind reads the database
   * until it reaches them, and one that was live and falls further behind is dropped.
   */
  retain?: number;
  /** Live events are coalesced this long into one batch (runEventBatches). */
  batchMs?: number;
  /** The most events in one list of runEventBatches: what one subscriber's next message can hold. */
  maxBatch?: number;
  /** How long a batch is held at most while the fan-out of the earlier ones goes on. */
  maxHoldMs?: number;
}

/** Batches published while one fan-out goes on, before the next is held until it drains. */
const BATCHES_PER_FANOUT = 4;

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
  /**
   * Slices cut short by `cap`, by the seq before them. They end on a multiple of
   * cap / 4 whatever `to` is, so subscribers far behind walk the same steps and
   * share them across publishes: their executions stay shared while they catch up.
   */
  private steps = new Map<number, readonly RunEvent[]>();
  private waiting: { promise: Promise<void>; resolve: () => void } | null = null;

  /** `cap`: the most events one slice holds. */
  constructor(private readonly cap = Infinity) {}

  publish(after: number, events: readonly RunEvent[]): void {
    this.slices = new Map([[after, events]]);
    this.to = events[events.length - 1]!.seq;
    this.wake();
  }

  /** Events after `last` up to `to` (at most `cap` of them), taken from `window` (which starts at `first`) once per point. */
  slice(last: number, window: readonly RunEvent[], first: number): readonly RunEvent[] {
    if (this.to - last > this.cap) return this.step(last, window, first);
    let s = this.slices.get(last);
    if (!s) this.slices.set(last, (s = window.slice(last + 1 - first, this.to + 1 - first)));
    return s;
  }

  private step(last: number, window: readonly RunEvent[], first: number): readonly RunEvent[] {
    let s = this.steps.get(last);
    if (s) return s;
    const grain = Math.max(1, Math.floor(this.cap / 4));
    const end = Math.floor((last + this.cap) / grain) * grain;
    if (this.steps.size >= 64) this.steps.clear(); // old steps: their subscribers moved on or left
    this.steps.set(last, (s = window.slice(last + 1 - first, end + 1 - first)));
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
  /** Events a live subscriber may be behind the newest this replica has; further, it is dropped. */
  readonly retain: number;
  private readonly pollMs: number;
  private readonly batchMs: number;
  private readonly maxHoldMs: number;
  /** Contiguous events first..last (first = last + 1 when empty). */
  private window: RunEvent[] = [];
  private first = 1;
  private last = 0;
  private readonly live = new Level();
  private readonly batched: Level;
  private batchTimer: NodeJS.Timeout | null = null;
  /** A batch is held until the fan-out drains (see closeBatch). */
  private holding = false;
  private lastBatchAt = 0;
  /** Batches published since the gate last drained, and the drain count they are counted from. */
  private fanoutBatches = 0;
  private drainSeen = -1;
  private inbox: RunEvent[] = [];
  private overflow = false;
  closed = false;
  private kick = () => {};
  private readonly unsubscribe: () => void;

  constructor(
    private readonly deps: FeedDeps,
    readonly runId: string,
    o: FeedOptions = {},
    /** The subscribers' turnstile: while it is busy, the fan-out of earlier batches is not over. */
    private readonly gate?: Pick<Turnstile, "busy" | "drained" | "whenIdle">,
    /** Where the first subscriber starts: the window reaches back to it, up to `retain` events. */
    private readonly from = Infinity,
  ) {
    this.pageSize = o.pageSize ?? 500;
    this.pollMs = o.pollMs ?? 3_000;
    this.retain = o.retain ?? 10_000;
    this.batchMs = o.batchMs ?? 20;
    this.maxHoldMs = o.maxHoldMs ?? 250;
    this.batched = new Level(o.maxBatch ?? 2_000);
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

  /** How many events the newest this replica has are after `seq`. */
  behind(seq: number): number {
    return this.last - seq;
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
    else if (!this.batchTimer && !this.holding) this.batchTimer = setTimeout(this.closeBatch, this.batchMs);
  }

  /**
   * Publishes the batch, unless the replica is behind: when the subscribers woken
   * by the last few batches still wait at the gate, each further batch would
   * split them into more groups at different points, each with its own list to
   * execute and encode, so that falling behind would cost more and more. Then
   * the batch is held until the gate drains (at most maxHoldMs since the last
   * one), and goes out as one larger list, shared by all who were in step.
   */
  private readonly closeBatch = () => {
    this.batchTimer = null;
    if (this.closed) return;
    const gate = this.gate;
    if (gate && gate.drained !== this.drainSeen) {
      this.drainSeen = gate.drained;
      this.fanoutBatches = 0;
    }
    const wait = this.lastBatchAt + this.maxHoldMs - Date.now();
    if (gate?.busy && this.fanoutBatches >= BATCHES_PER_FANOUT && wait > 0) {
      this.holding = true;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        clearTimeout(timer);
        cancel();
        this.holding = false;
        this.closeBatch();
      };
      const timer = setTimeout(release, wait);
      const cancel = gate.whenIdle(release);
      return;
    }
    this.fanoutBatches++;
    this.lastBatchAt = Date.now();
    // events trimmed meanwhile are not in the batch: its `after` says so
    const after = Math.max(this.batched.to, this.first - 1);
    if (this.last > after) this.batched.publish(after, this.window.slice(after + 1 - this.first));
  };

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
      const end = run?.lastSeq ?? 0;
      // one page before the run's end is kept too: most subscribers start there; and the first
      // one's start when it is within `retain` of the end: subscribers that came together (a
      // run's watchers from its start, on a busy server that took seconds to subscribe them)
      // then share this read instead of each reading the database. One further back replays
      // from the database by itself, as before.
      this.last = Math.max(0, end - this.from <= this.retain ? Math.min(this.from, end - this.pageSize) : end - this.pageSize);
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
