// runProgress: snapshots coalesced per run at a bounded rate and shared by every
// subscriber of that run (one computation per tick, however many watch), plus
// an immediate first snapshot and, always, the final one when the run finishes.
// Ticks come from the run's events on the bus; a bus that loses some (Redis
// down) is covered by a look at the run every `pollMs` while it is watched.
import { Repeater, SlidingBuffer } from "@repeaterjs/repeater";
import type { Progress } from "../../core/progress.js";
import { isRunSettled } from "../../core/status.js";
import type { EventBus, Logger } from "../../engine/ports.js";
import { topics } from "../../engine/topics.js";
import type { RunStore } from "../../engine/store.js";

type Listener = (p: Progress, final: boolean) => void;

interface Watched {
  listeners: Set<Listener>;
  unsubscribe: () => void;
  timer: NodeJS.Timeout | null;
  poller: NodeJS.Timeout;
  lastAt: number;
  computing: Promise<void> | null;
}

export interface ProgressSource {
  progress(runId: string): Promise<Progress>;
  store: Pick<RunStore, "getRun">;
  bus: EventBus;
}

export class ProgressHub {
  private readonly runs = new Map<string, Watched>();

  constructor(
    private readonly source: ProgressSource,
    private readonly intervalMs = 250,
    private readonly logger?: Logger,
    private readonly pollMs = 5_000,
  ) {}

  /** Snapshots of one run; ends after the snapshot taken once the run finished. */
  watch(runId: string): Repeater<Progress> {
    return new Repeater<Progress>(async (push, stop) => {
      let heard = false;
      const listener: Listener = (p, final) => {
        heard = true;
        void push(p);
        if (final) stop();
      };
      const w = this.join(runId, listener);
      try {
        const [first, run] = await Promise.all([this.source.progress(runId), this.source.store.getRun(runId)]);
        // a tick that arrived while the run was read is newer than `first`: never go back in time
        if (!heard) listener(first, run !== null && isRunSettled(run.status));
      } catch (err) {
        stop(err);
      }
      await stop;
      w.listeners.delete(listener);
      if (w.listeners.size === 0) this.leave(runId, w);
    }, new SlidingBuffer(1));
  }

  /** Stops every run's timer and waits for snapshots being computed (before the store closes). */
  async close(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const [runId, w] of this.runs) {
      if (w.computing) pending.push(w.computing);
      this.leave(runId, w);
    }
    await Promise.all(pending);
  }

  get watchedRuns(): number {
    return this.runs.size;
  }

  private join(runId: string, listener: Listener): Watched {
    let w = this.runs.get(runId);
    if (!w) {
      const created: Watched = {
        listeners: new Set(),
        unsubscribe: () => {},
        timer: null,
        poller: setInterval(() => void this.poll(runId, created), this.pollMs),
        lastAt: 0,
        computing: null,
      };
      created.poller.unref();
      created.unsubscribe = this.source.bus.subscribe(topics.runEvents(runId), (events) => {
        const final = events.some((e) => e.type === "run.finished");
        this.schedule(runId, created, final);
      });
      this.runs.set(runId, (w = created));
    }
    w.listeners.add(listener);
    return w;
  }

  private leave(runId: string, w: Watched): void {
    w.unsubscribe();
    clearInterval(w.poller);
    if (w.timer) clearTimeout(w.timer);
    if (this.runs.get(runId) === w) this.runs.delete(runId);
  }

  /** What the bus may have missed: the run's end, or changes while it was quiet. */
  private async poll(runId: string, w: Watched): Promise<void> {
    try {
      const run = await this.source.store.getRun(runId);
      if (run && isRunSettled(run.status)) this.schedule(runId, w, true);
      else if (Date.now() - w.lastAt >= this.pollMs) this.schedule(runId, w, false);
    } catch (err) {
      this.logger?.warn({ runId, err: String(err) }, "progress poll failed");
    }
  }

  private schedule(runId: string, w: Watched, final: boolean): void {
    if (final) {
      if (w.timer) clearTimeout(w.timer);
      w.timer = null;
      void this.emit(runId, w, true);
      return;
    }
    if (w.timer) return; // a snapshot is already due: this change rides along
    const wait = Math.max(0, w.lastAt + this.intervalMs - Date.now());
    w.timer = setTimeout(() => {
      w.timer = null;
      void this.emit(runId, w, false);
    }, wait);
  }

  private async emit(runId: string, w: Watched, final: boolean): Promise<void> {
    // snapshots go out in order: wait for the one being computed
    while (w.computing) await w.computing;
    const done = (async () => {
      try {
        w.lastAt = Date.now();
        const p = await this.source.progress(runId);
        for (const l of [...w.listeners]) l(p, final);
      } catch (err) {
        this.logger?.warn({ runId, err: String(err) }, "progress snapshot failed");
      }
    })();
    w.computing = done;
    await done;
    w.computing = null;
  }
}
