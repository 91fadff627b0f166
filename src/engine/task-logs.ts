// Live task logs in the process that runs the attempts. Each attempt's lines
// are numbered from 1 and kept in a ring bounded in bytes (the "lines so far"
// a new subscriber gets first), and published on the attempt's bus topic, in
// batches, only while some subscriber somewhere watches it: a task nobody
// follows costs its ring and nothing more. Lines never go to the database; the
// stored tail of an ended attempt stays the record.
//
// The bus carries, in the shape of events (bus-notices.ts, seq 0):
//   on topics.taskLog(...): log.lines {lines}, log.end {last}, log.snapshot {to, lines, last, ended}
//   on topics.logWatch:     log.watch {runId, taskId, attempt, watcher?, id?}: "I watch this attempt" (renewed),
//                           with `id` also "send me what you have" (answered by log.snapshot {to: id});
//                           log.unwatch {runId, taskId, attempt, watcher}: "I stopped watching".
// A subscriber on another replica thus gets lines over Redis like events, and
// its interest reaches the replica that runs the attempt: an executor for which
// live output costs something only while watched (Argo follows the pod's log)
// listens to it (`watch` below; log-watchers.ts keeps the count).
import { AttemptWatchers, type WatchListener } from "./log-watchers.js";
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
   * lines stay in the ring only, and subscribers see them as dropped. The lines
   * so far a new subscriber gets count too: it gets the last of them only.
   */
  maxLinesPerSec?: number;
  /** An attempt stays watched this long after its last watcher left or lapsed. Default 5 s. */
  watchGraceMs?: number;
}

/** What an attempt starting now reports its output to. */
export interface AttemptOutput {
  onOutput: (stream: LogStreamName, lines: readonly string[]) => void;
  /** `listener` hears whether anyone watches this attempt's log: now if so, and at every change, until the returned function is called. */
  watch: (listener: WatchListener) => () => void;
  end: () => void;
}

/** Counted per line beside its text: what an array slot and its numbers cost. */
const LINE_OVERHEAD = 32;
const FLUSH_BYTES = 64 * 1024;

/** Watches of attempts not (yet) running here are remembered, up to this many. */
const MAX_WATCHED = 10_000;

export class TaskLogs {
  private readonly logs = new Map<Topic<TaskLogNotice>, AttemptLog>();
  /** Who watches which attempt (by topic): attempts running here, and others heard of (maybe not started yet, or elsewhere). */
  private readonly watches = new Map<Topic<TaskLogNotice>, AttemptWatchers>();
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
  attempt(runId: string, taskId: string, attempt: number): AttemptOutput {
    // nothing computed up front: thousands of attempts a second print nothing (in-process functions)
    let log: AttemptLog | undefined;
    let listened = false;
    return {
      onOutput: (stream, lines) => (log ??= this.open(topics.taskLog(runId, taskId, attempt), runId)).push(stream, lines),
      watch: (listener) => {
        listened = true;
        return this.watchersOf(topics.taskLog(runId, taskId, attempt), true)!.listen(listener);
      },
      end: () => {
        if (log) return log.end();
        if (this.watches.size === 0) return;
        const topic = topics.taskLog(runId, taskId, attempt);
        const w = this.watches.get(topic);
        if (!w) return;
        // nothing printed: a watcher still learns that the attempt ended
        if (w.watched) this.bus.publish(topic, [busNotice("log.end", { last: 0 }, runId)]);
        if (listened || !w.listened) this.forget(topic, w);
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
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
  }

  private open(topic: Topic<TaskLogNotice>, runId: string): AttemptLog {
    this.logs.get(topic)?.end();
    const log = new AttemptLog(this.bus, this.clock, topic, runId, this.opts, this.watchersOf(topic, true)!, () =>
      this.endedLog(topic, log),
    );
    this.logs.set(topic, log);
    return log;
  }

  /** The attempt's watchers, made when `make` (always for attempts running here; for others, while there is room). */
  private watchersOf(topic: Topic<TaskLogNotice>, make: boolean): AttemptWatchers | undefined {
    let w = this.watches.get(topic);
    if (w || !make) return w;
    const grace = this.opts.watchGraceMs ?? 5_000;
    w = new AttemptWatchers(this.clock, grace, () => {
      // an attempt still running here keeps its count
      const log = this.logs.get(topic);
      if (!log || log.isEnded) this.forget(topic, w!);
    });
    this.watches.set(topic, w);
    return w;
  }

  private forget(topic: Topic<TaskLogNotice>, w: AttemptWatchers): void {
    w.close();
    if (this.watches.get(topic) === w) this.watches.delete(topic);
  }

  private endedLog(topic: Topic<TaskLogNotice>, log: AttemptLog): void {
    const w = this.watches.get(topic);
    if (w && !w.listened) this.forget(topic, w);
    this.ended.set(topic, { log, at: this.clock.now() });
    const keep = this.opts.keepEndedMs ?? 5_000;
    this.sweeper ??= setInterval(() => {
      const now = this.clock.now();
      for (const [t, e] of this.ended) {
        if (now - e.at < keep) break; // in order of ending
        this.ended.delete(t);
        if (this.logs.get(t) === e.log) this.logs.delete(t);
      }
      if (this.ended.size === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, keep).unref();
  }

  private onWatch(e: LogWatchNotice): void {
    // from any replica, of any version: checked, not trusted
    const { runId, taskId, attempt, id, watcher } = e.data as {
      runId?: unknown;
      taskId?: unknown;
      attempt?: unknown;
      id?: unknown;
      watcher?: unknown;
    };
    if (typeof runId !== "string" || typeof taskId !== "string" || typeof attempt !== "number") return;
    const topic = topics.taskLog(runId, taskId, attempt);
    const who = typeof watcher === "string" ? watcher : "";
    if (e.type === "log.unwatch") return this.watches.get(topic)?.leave(who);
    if (e.type !== "log.watch") return;
    const w = this.watchersOf(topic, this.watches.size < MAX_WATCHED || this.evictOne());
    w?.renew(who, this.clock.now() + LOG_WATCH_MS);
    const log = this.logs.get(topic);
    if (log && typeof id === "string") log.snapshot(id);
  }

  /** Makes room by forgetting the oldest watch of an attempt nobody here runs; false when there is none. */
  private evictOne(): boolean {
    for (const [t, w] of this.watches) {
      if (w.listened || this.logs.has(t)) continue;
      this.forget(t, w);
      return true;
    }
    return false;
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
  /** Lines that may still be published now (see maxLinesPerSec), as of allowedAt. */
  private allowance = 0;
  private allowedAt = 0;
  /** The last line published (or sent in a snapshot): a line right after it goes on the same run. */
  private lastSent = 0;
  private readonly rate: number;
  /**
   * After lines were held back, publishing starts again only with this many to
   * go: a subscriber then gets stretches of lines, each after one dropped
   * marker, not a few lines and a marker per chunk read (each an item to send).
   */
  private readonly minRun: number;
  private ended = false;

  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly topic: Topic<TaskLogNotice>,
    private readonly runId: string,
    private readonly opts: TaskLogOptions,
    private readonly watchers: AttemptWatchers,
    private readonly onEnded: () => void,
  ) {
    this.rate = opts.maxLinesPerSec ?? 500;
    this.minRun = Math.max(1, Math.floor(this.rate / 10));
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Complete lines of one stream, in the order printed. */
  push(stream: LogStreamName, lines: readonly string[]): void {
    if (this.ended) return;
    const limit = this.opts.ringBytes ?? 256 * 1024;
    const now = this.clock.now();
    const watched = this.watchers.watched;
    if (watched) this.refill(now);
    const s = stream === "stdout" ? 0 : 1;
    for (const text of lines) {
      const line: WireLine = [++this.seq, s, text];
      const bytes = text.length + LINE_OVERHEAD;
      this.ring.push(line);
      this.ringBytes += bytes;
      if (watched && this.allowance >= (line[0] === this.lastSent + 1 ? 1 : this.minRun)) {
        this.allowance--;
        this.lastSent = line[0];
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

  /** The last lines of the ring, as many as may be published now, to the subscriber that asked (`to`). */
  snapshot(to: string): void {
    this.refill(this.clock.now());
    const n = Math.min(this.ring.length - this.head, Math.max(this.minRun, Math.floor(this.allowance)));
    this.allowance = Math.max(0, this.allowance - n);
    this.lastSent = this.seq;
    const lines = this.ring.slice(this.ring.length - n);
    this.bus.publish(this.topic, [busNotice("log.snapshot", { to, lines, last: this.seq, ended: this.ended }, this.runId)]);
  }

  end(): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    this.bus.publish(this.topic, [busNotice("log.end", { last: this.seq }, this.runId)]);
    this.onEnded();
  }

  /** A token bucket holding at most one second's worth. */
  private refill(now: number): void {
    this.allowance = Math.min(this.rate, this.allowance + ((now - this.allowedAt) * this.rate) / 1000);
    this.allowedAt = now;
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
