// Every attempt on a time axis (a canvas, one row per task in order of first
// start): failed attempts end in red, the gap before a retry is the backoff, and
// running attempts grow with the clock.
import { useEffect, useRef, useState } from "preact/hooks";
import { look } from "./status.js";
import type { Bar } from "./run-model.js";

const ROW = 14;
const LABEL = 90;
const MAX_ROWS = 2_000;

export function Timeline({ bars, version, running }: { bars: Bar[]; version: number; running: boolean }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [running]);
  const rows = new Map<string, number>();
  for (const b of bars) if (!rows.has(b.taskId) && rows.size < MAX_ROWS) rows.set(b.taskId, rows.size);
  useEffect(() => {
    const c = canvas.current;
    if (c) draw(c, bars, rows, running ? now : null);
  }, [version, now, bars.length]);
  const retried = bars.filter((b) => b.attempt > 1).length;
  return (
    <section aria-labelledby="timeline-title" class="timeline">
      <h2 id="timeline-title">Timeline</h2>
      <p class="hint">
        {bars.length} attempts of {rows.size} tasks{retried ? `, ${retried} of them retries` : ""}
        {rows.size >= MAX_ROWS ? ` (the first ${MAX_ROWS} tasks shown)` : ""}. A gap between a task's bars is its backoff.
      </p>
      <div class="timeline-scroll">
        <canvas ref={canvas} data-testid="timeline-canvas" role="img" aria-label={`Timeline of ${bars.length} attempts`} />
      </div>
    </section>
  );
}

function draw(c: HTMLCanvasElement, bars: Bar[], rows: Map<string, number>, now: number | null): void {
  const width = Math.max(600, (c.parentElement?.clientWidth ?? 800) - 4);
  const height = Math.max(ROW, rows.size * ROW) + 20;
  const ratio = window.devicePixelRatio || 1;
  c.width = width * ratio;
  c.height = Math.min(height, 30_000) * ratio;
  c.style.width = `${width}px`;
  c.style.height = `${Math.min(height, 30_000)}px`;
  const ctx = c.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  if (bars.length === 0) return;
  const start = Math.min(...bars.map((b) => b.start));
  const end = Math.max(now ?? 0, ...bars.map((b) => b.end ?? b.start));
  const span = Math.max(1, end - start);
  const px = (t: number) => LABEL + ((t - start) / span) * (width - LABEL - 10);
  ctx.font = "10px system-ui, sans-serif";
  ctx.fillStyle = "#111827";
  ctx.fillText(`0 s`, LABEL, height - 6);
  ctx.fillText(`${(span / 1000).toFixed(1)} s`, width - 50, height - 6);
  for (const [taskId, row] of rows) ctx.fillText(taskId.length > 14 ? `${taskId.slice(0, 13)}…` : taskId, 2, row * ROW + 10);
  for (const b of bars) {
    const row = rows.get(b.taskId);
    if (row === undefined) continue;
    const x0 = px(b.start);
    const x1 = Math.max(x0 + 2, px(b.end ?? now ?? b.start));
    ctx.fillStyle = look(b.outcome).color;
    ctx.fillRect(x0, row * ROW + 2, x1 - x0, ROW - 4);
  }
}
