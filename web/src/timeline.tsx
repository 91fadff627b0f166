// Every attempt on a time axis, one row per task in order of first start: failed
// attempts end in red, the gap before a retry is the backoff, and running
// attempts grow with the clock. Every task has its row: the canvas is the size
// of the view and draws the rows scrolled into it (a canvas as tall as 10,000
// rows would pass the browser's size limit), over a spacer as tall as them all.
import { useEffect, useRef, useState } from "preact/hooks";
import { look } from "./status.js";
import type { Bar } from "./run-model.js";

const ROW = 14;
const LABEL = 90;
/** Room under the rows for the time axis. */
const AXIS = 20;
/** The view's height, at most, as a share of the window's (app.css's .timeline-scroll says the same). */
const MAX_VIEW = 0.7;

export function Timeline({ bars, version, running }: { bars: Bar[]; version: number; running: boolean }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const frame = useRef(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [running]);
  const rows = new Map<string, number>();
  for (const b of bars) if (!rows.has(b.taskId)) rows.set(b.taskId, rows.size);
  const height = Math.max(ROW, rows.size * ROW) + AXIS;
  const paint = () => {
    const c = canvas.current;
    const s = scroller.current;
    if (c && s) draw(c, s, bars, rows, running ? now : null);
  };
  const painter = useRef(paint);
  painter.current = paint;
  const later = () => {
    frame.current ||= requestAnimationFrame(() => {
      frame.current = 0;
      painter.current();
    });
  };
  useEffect(paint, [version, now, bars.length]);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  const retried = bars.filter((b) => b.attempt > 1).length;
  return (
    <section aria-labelledby="timeline-title" class="timeline">
      <h2 id="timeline-title">Timeline</h2>
      <p class="hint">
        {bars.length} attempts of {rows.size} tasks{retried ? `, ${retried} of them retries` : ""}. A gap between a task's bars is its
        backoff.
      </p>
      <div ref={scroller} class="timeline-scroll" onScroll={later}>
        <div style={{ height: `${height}px` }}>
          <canvas
            ref={canvas}
            class="timeline-canvas"
            data-testid="timeline-canvas"
            role="img"
            aria-label={`Timeline of ${bars.length} attempts of ${rows.size} tasks`}
          />
        </div>
      </div>
    </section>
  );
}

function draw(c: HTMLCanvasElement, s: HTMLDivElement, bars: Bar[], rows: Map<string, number>, now: number | null): void {
  const width = Math.max(600, s.clientWidth);
  const all = Math.max(ROW, rows.size * ROW) + AXIS;
  const view = Math.min(all, Math.round(window.innerHeight * MAX_VIEW));
  const top = Math.min(s.scrollTop, all - view);
  const ratio = window.devicePixelRatio || 1;
  if (c.width !== Math.round(width * ratio) || c.height !== Math.round(view * ratio)) {
    c.width = Math.round(width * ratio);
    c.height = Math.round(view * ratio);
    c.style.width = `${width}px`;
    c.style.height = `${view}px`;
  }
  const ctx = c.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, view);
  if (bars.length === 0) return;
  let start = Number.POSITIVE_INFINITY;
  let end = now ?? 0;
  for (const b of bars) {
    start = Math.min(start, b.start);
    end = Math.max(end, b.end ?? b.start);
  }
  const span = Math.max(1, end - start);
  const px = (t: number) => LABEL + ((t - start) / span) * (width - LABEL - 10);
  // the rows in view: [first, last]
  const first = Math.floor(top / ROW);
  const last = Math.min(rows.size - 1, Math.ceil((top + view - AXIS) / ROW));
  c.dataset.rows = `${first}-${last}`;
  ctx.font = "10px system-ui, sans-serif";
  ctx.fillStyle = "#111827";
  for (const [taskId, row] of rows)
    if (row >= first && row <= last) ctx.fillText(taskId.length > 14 ? `${taskId.slice(0, 13)}…` : taskId, 2, row * ROW - top + 10);
  for (const b of bars) {
    const row = rows.get(b.taskId)!;
    if (row < first || row > last) continue;
    const x0 = px(b.start);
    const x1 = Math.max(x0 + 2, px(b.end ?? now ?? b.start));
    ctx.fillStyle = look(b.outcome).color;
    ctx.fillRect(x0, row * ROW - top + 2, x1 - x0, ROW - 4);
  }
  // the axis stays at the view's foot
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, view - AXIS, width, AXIS);
  ctx.fillStyle = "#111827";
  ctx.fillText(`0 s`, LABEL, view - 6);
  ctx.fillText(`${(span / 1000).toFixed(1)} s`, width - 50, view - 6);
}
