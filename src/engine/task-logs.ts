// Live task logs in the process that runs the attempts. Each attempt's lines
// are numbered from 1 and kept in a ring bounded in bytes (the "lines so far"
// a new subscriber gets first), and published on the attempt's bus topic, in
// batches, only while some subscriber somewhere watches it: a task nobody
// follows costs its ring and nothing more. Lines never go to the database; the
// stored tail of an ended attempt stays the record.
//
// The bus carries, in the shape of events (bus-notices.ts, seq 0):
//   on topics.taskLog(...): log.lines {lines}, log.end {last}, log.snapshot {to, lines, last, ended}
//   on topics.logWatch:     log.watch {runId, taskId, attempt, id?}: "I watch this attempt" (renewed),
//                           with `id` also "send me what you have" (answered by log.snapshot {to: id}).
// A subscriber on another replica thus gets lines over Redis like events.
import { busNotice, type LogWatchNotice, type TaskLogNotice, type WireLine } from "./bus-notices.js";
import { systemClock, type Clock, type EventBus } from "./ports.js";
import { topics, type Topic } from "./topics.js";

export type LogStreamName = "stdout" | "stderr";
export type { WireLine };
/** A watch lapses unless renewed within this time; subscribers renew every third of it. */
export const LOG_WATCH_MS = 15_000;

export interface TaskLogOptions {
  /** Bytes of line text kept per attempt for late subscribers. Default 256 KiB. */
  ringBytes?: number;
  /** Lines gather this long before a batch is published. Default 20 ms. */
  flushMs?: number;
  /** An ended attempt still answers snapshots this long, until its stored tail is surely committed. Default 5 s. */
  keepEndedMs?: number;
  /**
   * Lines a watched attempt publishes per second at most (default 500): more
   * than anyone reads, and each costs every subscriber a message. Beyond it,
   * lines stay in the ring only, and subscribers see them as dropped.
   */
  maxLinesPerSec?: number;
}

/** Counted per line beside its text: what an array slot and its numbers cost. */
const LINE_OVERHEAD = 32;
const FLUSH_BYTES = 64 * 1024;

/** Watches of attempts not (yet) held here are remembered, up to this many. */
const MAX_EARLY_WATCHES = 10_000;

export class TaskLogs {
  private readonly logs = new Map<Topic<TaskLogNotice>, AttemptLog>();
  /** Watches that came before the attempt printed anything here: until when, by topic. */
  private readonly earlyWatches = new Map<Topic<TaskLogNotice>, number>();
  /** Ended logs, kept a while to answer late snapshot requests, swept by one timer. */
  private readonly ended = new Map<Topic<TaskLogNotice>, { log: AttemptLog; at: number }>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly off: () => void;

  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock = systemClock,
    private readonly opts: TaskLogOptions = {},
  ) {
    this.off = bus.subscribe(topics.logWatch, (events) => {
      for (const e of events) this.onWatch(e);
    });
  }

  /**
   * What an attempt starting now prints: its log is made on the first line
   * only, so an attempt that prints nothing costs a closure, not a log.
   */
  attempt(runId: string, taskId: string, attempt: number): { onOutput: (stream: LogStreamName, lines: readonly string[]) => void; end: () => void } {
    // nothing computed up front: thousands of attempts a second print nothing (in-process functions)
    let log: AttemptLog | undefined;
    return {
      onOutput: (stream, lines) => (log ??= this.open(topics.taskLog(runId, taskId, attempt), runId)).push(stream, lines),
      end: () => {
        if (log) return log.end();
        if (this.earlyWatches.size === 0) return;
        // nothing printed: a watcher still learns that the attempt ended
        const topic = topics.taskLog(runId, taskId, attempt);
        if (this.earlyWatches.delete(topic)) this.bus.publish(topic, [busNotice("log.end", { last: 0 }, runId)]);
      },
    };
  }

  /** Attempts whose logs are held here (running, or ended moments ago). */
  get size(): number {
    return this.logs.size;
  }

  close(): void {
    this.off();
    clearInterval(this.sweeper);
    for (const log of this.logs.values()) log.end();
    this.logs.clear();
    this.ended.clear();
  }

  private open(topic: Topic<TaskLogNotice>, runId: string): AttemptLog {
    this.logs.get(topic)?.end();
    const log = new AttemptLog(this.bus, this.clock, topic, runId, this.opts, () => this.endedLog(topic, log));
    this.logs.set(topic, log);
    const until = this.earlyWatches.get(topic);
    if (until !== undefined) {
      this.earlyWatches.delete(topic);
      log.watch(until);
    }
    return log;
  }

  private endedLog(topic: Topic<TaskLogNotice>, log: AttemptLog): void {
    this.ended.set(topic, { log, at: this.clock.now() });
    const keep = this.opts.keepEndedMs ?? 5_000;
    this.sweeper ??= setInterval(() => {
      const now = this.clock.now();
      for (const [t, e] of this.ended) {
        if (now - e.at < keep) break; // in order of ending
        this.ended.delete(t);
        if (this.logs.get(t) === e.log) this.logs.delete(t);
      }
      for (const [t, until] of this.earlyWatches) if (until <= now) this.earlyWatches.delete(t);
      if (this.ended.size === 0 && this.earlyWatches.size === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, keep).unref();
  }

  private onWatch(e: LogWatchNotice): void {
    // from any replica, of any version: checked, not trusted
    const { runId, taskId, attempt, id } = e.data as { runId?: unknown; taskId?: unknown; attempt?: unknown; id?: unknown };
    if (typeof runId !== "string" || typeof taskId !== "string" || typeof attempt !== "number") return;
    const topic = topics.taskLog(runId, taskId, attempt);
    const log = this.logs.get(topic);
    const until = this.clock.now() + LOG_WATCH_MS;
    if (!log) {
      if (this.earlyWatches.size >= MAX_EARLY_WATCHES) this.earlyWatches.delete(this.earlyWatches.keys().next().value!);
      this.earlyWatches.delete(topic);
      this.earlyWatches.set(topic, until);
      return;
    }
    log.watch(until);
    if (typeof id === "string") log.snapshot(id);
  }
}

export class AttemptLog {
  private ring: WireLine[] = [];
  private head = 0;
  private ringBytes = 0;
  private seq = 0;
  private pending: WireLine[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private watchedUntil = 0;
  /** Lines that may still be published now (see maxLinesPerSec), as of allowedAt. */
  private allowance = 0;
  private allowedAt = 0;
  private ended = false;

  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly topic: Topic<TaskLogNotice>,
    private readonly runId: string,
    private readonly opts: TaskLogOptions,
    private readonly onEnded: () => void,
  ) {}

  /** Complete lines of one stream, in the order printed. */
  push(stream: LogStreamName, lines: readonly string[]): void {
    if (this.ended) return;
    const limit = this.opts.ringBytes ?? 256 * 1024;
    const now = this.clock.now();
    const watched = now < this.watchedUntil;
    if (watched) {
      // a token bucket holding at most one second's worth
      const rate = this.opts.maxLinesPerSec ?? 500;
      this.allowance = Math.min(rate, this.allowance + ((now - this.allowedAt) * rate) / 1000);
      this.allowedAt = now;
    }
    const s = stream === "stdout" ? 0 : 1;
    for (const text of lines) {
      const line: WireLine = [++this.seq, s, text];
      const bytes = text.length + LINE_OVERHEAD;
      this.ring.push(line);
      this.ringBytes += bytes;
      if (watched && this.allowance >= 1) {
        this.allowance--;
        this.pending.push(line);
        this.pendingBytes += bytes;
      }
    }
    while (this.ringBytes > limit && this.head < this.ring.length - 1) this.ringBytes -= this.ring[this.head++]![2].length + LINE_OVERHEAD;
    // drop the evicted slots now and then, not on every line
    if (this.head > 1024 && this.head * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.head);
      this.head = 0;
    }
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flush(), this.opts.flushMs ?? 20);
  }

  watch(until: number): void {
    this.watchedUntil = Math.max(this.watchedUntil, until);
  }

  /** Everything in the ring, to the subscriber that asked (`to`). */
  snapshot(to: string): void {
    const lines = this.head === 0 ? this.ring.slice() : this.ring.slice(this.head);
    this.bus.publish(this.topic, [busNotice("log.snapshot", { to, lines, last: this.seq, ended: this.ended }, this.runId)]);
  }

  end(): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    this.bus.publish(this.topic, [busNotice("log.end", { last: this.seq }, this.runId)]);
    this.onEnded();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.bus.publish(this.topic, [busNotice("log.lines", { lines }, this.runId)]);
  }
}
