// Who watches one attempt's live log, as this process hears it on the bus
// (task-logs.ts): each watcher renews its watch before it lapses, and says so
// when it leaves; one that vanished without a word (its replica died) lapses.
// The attempt counts as watched from the first watch until `graceMs` after the
// last watcher left or lapsed, so that a page reload or a reconnect does not
// stop and restart what feeds the log (an Argo pod's log stream).
import type { Clock } from "./ports.js";

export type WatchListener = (watched: boolean) => void;

export class AttemptWatchers {
  /** Watcher id → until when its watch holds ("" for watchers that give no id). */
  private readonly watchers = new Map<string, number>();
  private readonly listeners = new Set<WatchListener>();
  private on = false;
  /** When the last watcher left, while in the grace period. */
  private leftAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly graceMs: number,
    /** Called when it turns unwatched with nobody listening: it may be forgotten. */
    private readonly onIdle: () => void,
  ) {}

  get watched(): boolean {
    return this.on;
  }

  get listened(): boolean {
    return this.listeners.size > 0;
  }

  renew(watcher: string, until: number): void {
    this.watchers.set(watcher, Math.max(until, this.watchers.get(watcher) ?? 0));
    this.leftAt = undefined;
    this.set(true);
    this.arm();
  }

  leave(watcher: string): void {
    if (!this.watchers.delete(watcher)) return;
    this.check();
  }

  /** `listener` hears the current state now if watched, and every change after; returns how to stop. */
  listen(listener: WatchListener): () => void {
    this.listeners.add(listener);
    if (this.on) listener(true);
    return () => {
      this.listeners.delete(listener);
      if (!this.on && this.listeners.size === 0) this.onIdle();
    };
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watchers.clear();
    this.listeners.clear();
    this.on = false;
  }

  /** Drops lapsed watches; with none left, starts or ends the grace period. */
  private check(): void {
    const now = this.clock.now();
    for (const [id, until] of this.watchers) if (until <= now) this.watchers.delete(id);
    if (this.watchers.size > 0 || !this.on) return this.arm();
    this.leftAt ??= now;
    if (now - this.leftAt < this.graceMs) return this.arm();
    this.leftAt = undefined;
    this.set(false);
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.listeners.size === 0) this.onIdle();
  }

  /** One timer: at the earliest lapse, or at the end of the grace period. */
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.on) return;
    let at = Infinity;
    for (const until of this.watchers.values()) at = Math.min(at, until);
    if (this.watchers.size === 0) at = (this.leftAt ?? this.clock.now()) + this.graceMs;
    this.timer = setTimeout(() => this.check(), Math.max(0, at - this.clock.now())).unref();
  }

  private set(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    for (const l of [...this.listeners]) l(on);
  }
}
