// One subscriber's view of one attempt's log (GraphQL taskLogs, REST logs):
// an ended attempt's stored tail; or, for a running one, the lines so far
// (the ring of the process that runs it, asked for over the bus) and then
// its live lines in order, until the attempt ends. See engine/task-logs.ts
// for the other side.
//
// Lines a subscriber cannot take in time are dropped, never silently: it holds
// at most `maxQueued` lines, and what it missed (too slow, or lines already
// out of the runner's ring, or lost by the bus) is one `dropped` item in
// their place. Sequence numbers tell where each line stands; `after` resumes.
import { randomUUID } from "node:crypto";
import type { EventBus } from "../../engine/ports.js";
import type { RunStore } from "../../engine/store.js";
import { busNotice, type TaskLogNotice, type WireLine } from "../../engine/bus-notices.js";
import { LOG_WATCH_MS } from "../../engine/task-logs.js";
import { topics, type Topic } from "../../engine/topics.js";

export type LogStreamKind = "STDOUT" | "STDERR";

/** A line (stream and text set) or a marker of lines not delivered (dropped set; seq: the last of them). */
export interface LogItem {
  seq: number;
  stream: LogStreamKind | null;
  text: string | null;
  dropped: number | null;
}

export interface TaskLogTarget {
  runId: string;
  taskId: string;
  /** The task's unit index in the run (attempt rows are stored by it). */
  index: number;
  attempt: number;
}

export interface TaskLogStreamOptions {
  /** Only lines after this sequence number. */
  after?: number;
  /** Go on with live lines until the attempt ends (default); false: only what there is now. */
  follow?: boolean;
  /** Lines held for a consumer that does not keep up; beyond, they are dropped and counted. Default 1,000. */
  maxQueued?: number;
  /** How often an unanswered request is repeated and the database asked whether the attempt ended. Default 1,000 ms. */
  retryMs?: number;
}

const STREAMS: readonly LogStreamKind[] = ["STDOUT", "STDERR"];

/** An ended attempt's stored tails as numbered lines: stdout's, then stderr's (the tails are kept apart). */
export function storedLines(stdoutTail: string | null, stderrTail: string | null): LogItem[] {
  const items: LogItem[] = [];
  for (const [tail, stream] of [
    [stdoutTail, "STDOUT"],
    [stderrTail, "STDERR"],
  ] as const) {
    if (!tail) continue;
    const lines = tail.split("\n");
    if (lines.at(-1) === "") lines.pop();
    for (const raw of lines)
      items.push({ seq: items.length + 1, stream, text: raw.endsWith("\r") ? raw.slice(0, -1) : raw, dropped: null });
  }
  return items;
}

export class TaskLogStream implements AsyncIterableIterator<LogItem> {
  private readonly id = randomUUID();
  private readonly topic: Topic<TaskLogNotice>;
  private readonly follow: boolean;
  private readonly maxQueued: number;
  private queue: LogItem[] = [];
  private head = 0;
  /** The last sequence number delivered or counted as dropped. */
  private emitted: number;
  private dropped = 0;
  /** The runner's ring was received: live lines follow it. */
  private synced = false;
  /** Live lines that came before the ring (which holds them too, unless it lost them). */
  private early: WireLine[] = [];
  private done = false;
  private wake: (() => void) | undefined;
  private readonly off: () => void;
  private readonly timer: NodeJS.Timeout;
  private lastWatch = 0;
  /** The database was asked once whether the attempt ended; until then a snapshot is held. */
  private checked = false;
  private held: TaskLogNotice | undefined;
  /** Ticks since the database showed the attempt ended without its log.end here. */
  private endedTicks = 0;

  constructor(
    private readonly deps: { bus: EventBus; store: RunStore },
    private readonly target: TaskLogTarget,
    opts: TaskLogStreamOptions = {},
  ) {
    this.topic = topics.taskLog(target.runId, target.taskId, target.attempt);
    this.follow = opts.follow ?? true;
    this.maxQueued = opts.maxQueued ?? 1_000;
    this.emitted = opts.after ?? 0;
    this.off = deps.bus.subscribe(this.topic, (events) => this.onEvents(events));
    this.timer = setInterval(() => void this.tick(), opts.retryMs ?? 1_000);
    void this.begin();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LogItem> {
    return this;
  }

  async next(): Promise<IteratorResult<LogItem>> {
    while (this.head === this.queue.length && !this.done) await new Promise<void>((r) => (this.wake = r));
    if (this.head < this.queue.length) {
      const item = this.queue[this.head++]!;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
      return { value: item, done: false };
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<LogItem>> {
    this.finish();
    this.queue = [];
    this.head = 0;
    return { value: undefined, done: true };
  }

  /** Asks for the ring at once, and meanwhile the database whether the attempt already ended. */
  private async begin(): Promise<void> {
    await this.deps.bus.subscribed?.(this.topic);
    if (this.done) return;
    this.watch(true);
    try {
      await this.endedInStore();
    } catch {
      // the database read failed: the next tick tries again
    }
    // an ended attempt's stored tail wins over what its runner still holds; a running one's ring is taken now
    this.checked = true;
    const held = this.held;
    this.held = undefined;
    if (held && !this.done) this.onEvents([held]);
  }

  /** True when the attempt's row is stored (so it ended), after delivering its stored tail if nothing live came. */
  private async endedInStore(): Promise<boolean> {
    const rows = await this.deps.store.listAttempts(this.target.runId, this.target.index);
    if (this.done) return true;
    const row = rows.find((a) => a.number === this.target.attempt);
    if (!row) return false;
    if (this.synced) {
      // live already: its log.end is due; give it one more tick, then end anyway
      if (this.endedTicks++ >= 1) this.finish();
      return this.done;
    }
    for (const item of storedLines(row.stdoutTail, row.stderrTail)) if (item.seq > this.emitted) this.put(item);
    this.finish();
    return true;
  }

  private watch(withRequest: boolean): void {
    this.lastWatch = Date.now();
    const { runId, taskId, attempt } = this.target;
    this.deps.bus.publish(topics.logWatch, [
      busNotice("log.watch", { runId, taskId, attempt, watcher: this.id, ...(withRequest ? { id: this.id } : {}) }, runId),
    ]);
  }

  private async tick(): Promise<void> {
    if (this.done) return;
    if (!this.synced && !this.follow) return this.finish(); // nobody here has lines of it now
    try {
      if (await this.endedInStore()) return;
    } catch {
      return; // the database is away for now
    }
    if (!this.synced) this.watch(true);
    else if (Date.now() - this.lastWatch >= LOG_WATCH_MS / 3) this.watch(false);
  }

  private onEvents(events: readonly TaskLogNotice[]): void {
    for (const e of events) {
      if (this.done) return;
      if (e.type === "log.lines") {
        const lines = e.data.lines;
        // lines from the first one not yet delivered on (an attempt watched before it printed) need no ring
        if (!this.synced && this.early.length === 0 && lines.length > 0 && lines[0]![0] <= this.emitted + 1) this.synced = true;
        if (this.synced) for (const l of lines) this.line(l);
        if (this.synced && !this.follow) this.finish();
        else {
          this.early.push(...lines);
          if (this.early.length > this.maxQueued) this.early = this.early.slice(-this.maxQueued);
        }
      } else if (e.type === "log.snapshot" && !this.synced && !this.checked) {
        this.held ??= e;
      } else if (e.type === "log.snapshot" && !this.synced) {
        // any subscriber's snapshot will do: it holds every line up to its `last`
        this.synced = true;
        for (const l of e.data.lines) this.line(l);
        this.gapTo(e.data.last);
        for (const l of this.early) this.line(l);
        this.early = [];
        if (e.data.ended === true || !this.follow) this.finish();
      } else if (e.type === "log.end") {
        if (this.synced || e.data.last === 0) {
          this.gapTo(e.data.last);
          this.finish();
        }
        // else the ended attempt's ring (asked for) or its stored tail (next tick) still comes
      }
    }
  }

  private line([seq, s, text]: WireLine): void {
    if (seq <= this.emitted) return;
    this.gapTo(seq - 1);
    if (this.queue.length - this.head >= this.maxQueued) {
      this.dropped++;
      this.emitted = seq;
      return;
    }
    this.put({ seq, stream: STREAMS[s]!, text, dropped: null });
  }

  /** Lines up to `seq` that never came count as dropped. */
  private gapTo(seq: number): void {
    if (seq > this.emitted) {
      this.dropped += seq - this.emitted;
      this.emitted = seq;
    }
  }

  private put(item: LogItem): void {
    if (this.dropped > 0) {
      this.queue.push({ seq: item.seq - 1, stream: null, text: null, dropped: this.dropped });
      this.dropped = 0;
    }
    this.queue.push(item);
    this.emitted = item.seq;
    this.wake?.();
  }

  private finish(): void {
    if (this.done) return;
    if (this.dropped > 0) this.queue.push({ seq: this.emitted, stream: null, text: null, dropped: this.dropped });
    this.dropped = 0;
    this.done = true;
    this.off();
    clearInterval(this.timer);
    if (this.lastWatch > 0) {
      // the runner stops what feeds a log nobody watches (an Argo pod's log stream), after a grace period
      const { runId, taskId, attempt } = this.target;
      this.deps.bus.publish(topics.logWatch, [busNotice("log.unwatch", { runId, taskId, attempt, watcher: this.id }, runId)]);
    }
    this.wake?.();
  }
}
