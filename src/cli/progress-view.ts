// What `conveyor run` shows while a run goes: on a terminal, one live line with
// a bar, counts and ETA; otherwise one plain line per event, for logs and CI.
import type { Progress } from "../core/progress.js";
import type { RunEvent } from "../engine/ports.js";
import { formatDuration } from "./durations.js";

const BAR_WIDTH = 24;

export function progressLine(p: Progress): string {
  // rounded down, in integers: a full bar and 100% only once every task settled
  const share = (width: number) => (p.total === 0 ? width : Math.floor((p.settled * width) / p.total));
  const filled = share(BAR_WIDTH);
  const bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
  const c = p.counts;
  const parts = [
    `[${bar}] ${String(share(100)).padStart(3)}%`,
    `${p.settled}/${p.total}`,
    `ok ${c.succeeded}`,
    ...(p.memoized ? [`cached ${p.memoized}`] : []),
    ...(c.failed ? [`failed ${c.failed}`] : []),
    ...(c.skipped ? [`skipped ${c.skipped}`] : []),
    ...(c.retrying ? [`retrying ${c.retrying}`] : []),
    `running ${c.running}`,
    `ETA ${formatDuration(p.etaMs)}`,
  ];
  const running = p.running
    .slice(0, 3)
    .map((r) => `${r.id} ${formatDuration(r.elapsedMs)}`)
    .join(", ");
  return parts.join("  ") + (running ? `  | ${running}` : "");
}

export function eventLine(e: RunEvent): string {
  const time = new Date(e.at).toISOString().slice(11, 23);
  const facts = Object.entries(e.data)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}=${typeof v === "string" && /\s/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join(" ");
  return `${time} #${e.seq} ${e.type}${e.taskId !== undefined ? ` ${e.taskId}` : ""}${facts ? ` ${facts}` : ""}`;
}

export interface ViewTarget {
  isTTY: boolean;
  /** The terminal's width, when known: the line is cut to fit, or a wrapped line would break the redraw. */
  columns?: number | undefined;
  write(text: string): void;
}

/** Follows a run: redraws the bar at a bounded rate on a terminal, prints events otherwise. */
export class ProgressView {
  private timer: NodeJS.Timeout | null = null;
  private lastWidth = 0;
  private cancelled = false;

  constructor(
    private readonly out: ViewTarget,
    private readonly progress: () => Progress,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    if (this.out.isTTY) this.timer = setInterval(() => this.draw(), this.intervalMs);
  }

  onEvents(events: readonly RunEvent[]): void {
    if (this.out.isTTY || this.cancelled) return;
    for (const e of events) if (e.type !== "run.checkpoint") this.out.write(`${eventLine(e)}\n`);
  }

  private draw(): void {
    if (this.cancelled) return;
    const full = progressLine(this.progress());
    const fit = this.out.columns ? this.out.columns - 1 : Infinity;
    const line = full.length > fit ? `${full.slice(0, Math.max(0, fit - 1))}…` : full;
    const pad = Math.max(0, this.lastWidth - line.length);
    this.lastWidth = line.length;
    this.out.write(`\r${line}${" ".repeat(pad)}`);
  }

  stop(): void {
    if (this.cancelled) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.out.isTTY) {
      this.draw();
      this.out.write("\n");
    }
  }

  /** Stops for good without a last drawing, and blanks the line on a terminal: what it showed is no longer true. */
  cancel(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.out.isTTY && !this.cancelled && this.lastWidth > 0) this.out.write("\r\x1b[K");
    this.cancelled = true;
  }
}
