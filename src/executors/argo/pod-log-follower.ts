// The live log of an Argo attempt: its pod's `main` container log, followed
// through the Kubernetes API (pods/log with follow=true) while the pod runs, its
// lines handed to the engine's task-logs like the local executor's.
//
// Kubernetes keeps one log per container, stdout and stderr merged in the
// order written: the stream cannot be told apart any more, so every line is
// reported as stdout.
//
// The API server ends a follow stream when the container exits, and a
// connection may drop at any time (apiserver restart, proxy timeout): the
// follower then asks again from where it was. Lines come with their kubelet
// timestamps (timestamps=true); sinceTime only has seconds, so a resumed stream
// repeats the last second, and the lines up to the last timestamp seen are
// skipped. It stops when told (the node settled), after draining what the
// exited container still has, within a grace time.
//
// It is paused while nobody watches the attempt's log (no stream open), and
// resumed from where it was: what was printed meanwhile is not read, except
// the last `backlogLines` (tailLines), as when it first starts; lines seen
// before are skipped the same way, so none comes twice.
import { LineSplitter } from "../line-splitter.js";

/** Where a follow read starts: at or after `sinceTime` (RFC 3339), and only the last `tailLines` of those lines. */
export interface LogFrom {
  sinceTime?: string;
  tailLines?: number;
}

export interface PodLogStream {
  /**
   * Opens a follow=true, timestamps=true read of the pod's `main` container log
   * (from where `from` says). `onData` gets the body's chunks;
   * `onClosed` is called once when the stream ends, with the error if it did not
   * open or broke; `abort()` closes it (onClosed is then not called).
   */
  follow(podName: string, from: LogFrom, onData: (chunk: Buffer) => void, onClosed: (err?: unknown) => void): { abort(): void };
}

export interface FollowOptions {
  /** Wait before asking again after the stream ended or failed; doubles up to 16x on failures in a row. */
  retryDelayMs: number;
  /** Lines printed before following started (or resumed) that are read; default all. */
  backlogLines?: number;
  onError(err: unknown): void;
}

/** Kubelet timestamps are RFC3339Nano with 9 fixed digits, then a space: 31 characters. */
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) /;

export class PodLogFollower {
  private readonly splitter: LineSplitter;
  private stream: { abort(): void } | undefined;
  private retry: NodeJS.Timeout | undefined;
  /** Timestamp of the last line handed on, and how many lines had that same timestamp. */
  private lastStamp = "";
  private atLastStamp = 0;
  /** This connection's position: the timestamp of its last line, how many it had, whether they go on. */
  private conn = { stamp: "", count: 0, delivering: false };
  private failures = 0;
  private stopped = false;
  private paused = false;
  /** The next stream starts after a time nobody followed: only the backlog of it is read. */
  private fresh = true;
  private drained: (() => void) | undefined;

  constructor(
    private readonly source: PodLogStream,
    private readonly podName: string,
    onLines: (lines: string[]) => void,
    private readonly opts: FollowOptions,
  ) {
    this.splitter = new LineSplitter((lines) => {
      const news = this.unseen(lines);
      if (news.length > 0) onLines(news);
    });
    this.open();
  }

  /** Stops following; the stream of an exited container usually ends on its own first, so it is given `graceMs`. */
  stop(graceMs: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    clearTimeout(this.retry);
    if (!this.stream) return Promise.resolve(this.splitter.end());
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.drained?.(), graceMs);
      this.drained = () => {
        clearTimeout(timer);
        this.drained = undefined;
        this.stream?.abort();
        this.stream = undefined;
        this.splitter.end();
        resolve();
      };
    });
  }

  /** Closes the stream until resume(); an unfinished last line comes again then. */
  pause(): void {
    if (this.stopped || this.paused) return;
    this.paused = true;
    clearTimeout(this.retry);
    this.stream?.abort();
    this.stream = undefined;
    this.splitter.reset();
  }

  resume(): void {
    if (this.stopped || !this.paused) return;
    this.paused = false;
    this.fresh = true;
    this.failures = 0;
    this.open();
  }

  private open(): void {
    // seconds only: what the apiserver hands on to the kubelet
    const from: LogFrom = this.lastStamp ? { sinceTime: `${this.lastStamp.slice(0, 19)}Z` } : {};
    // a stream that broke while followed goes on from where it was, whatever it missed; one after a pause takes the backlog only
    if (this.fresh && this.opts.backlogLines !== undefined) from.tailLines = this.opts.backlogLines;
    let got = false;
    this.conn = { stamp: "", count: 0, delivering: false };
    // a line the last stream ended in comes again, whole, from sinceTime
    this.splitter.reset();
    this.stream = this.source.follow(
      this.podName,
      from,
      (chunk) => {
        got = true;
        this.fresh = false;
        this.failures = 0;
        this.splitter.push(chunk);
      },
      (err) => {
        this.stream = undefined;
        // an unfinished last line stays in the splitter: it counts if this was the end (stop() ends the splitter)
        if (this.drained) return this.drained();
        if (this.stopped || this.paused) return;
        if (err !== undefined) {
          this.opts.onError(err);
          if (!got) this.failures++;
        }
        const delay = this.opts.retryDelayMs * 2 ** Math.min(4, this.failures);
        this.retry = setTimeout(() => this.open(), delay);
      },
    );
  }

  /** Strips the timestamps, skipping lines a resumed stream repeats. */
  private unseen(lines: string[]): string[] {
    const out: string[] = [];
    for (const line of lines) {
      const m = STAMP.exec(line);
      // a piece of a line cut at the length limit carries no timestamp: it goes with the line before
      if (!m) {
        if (this.conn.delivering) out.push(line);
        continue;
      }
      const stamp = m[1]!;
      if (stamp !== this.conn.stamp) {
        this.conn.stamp = stamp;
        this.conn.count = 0;
      }
      this.conn.count++;
      this.conn.delivering = stamp > this.lastStamp || (stamp === this.lastStamp && this.conn.count > this.atLastStamp);
      if (!this.conn.delivering) continue;
      this.lastStamp = stamp;
      this.atLastStamp = this.conn.count;
      out.push(line.slice(m[0].length));
    }
    return out;
  }
}
