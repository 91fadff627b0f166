// Drawing the DAG's layout on a canvas the size of the view, through the camera
// (dag-camera.ts): only the tasks in view are drawn, so panning and zooming
// over 10,000 tasks stays a few milliseconds a frame. Small graphs get labelled
// boxes and every edge; large ones packed squares, with the edges of the
// critical path and of the chosen task, and their labels once zoomed in enough.
import type { Camera } from "./dag-camera.js";
import type { Layout } from "./dag-layout.js";
import { drawStatus } from "./draw.js";
import type { Task } from "./types.js";

export const CRITICAL = "#c2410c";
const FOCUS = "#1d4ed8";
/** A task's label is drawn when its box is at least this wide on screen. */
const LABEL_AT = 24;

export interface Marks {
  /** The chosen task (the open panel), or -1. */
  selected: number;
  /** The keyboard's task, ringed while the canvas has the focus, or -1. */
  focused: number;
}

/** Sizes the canvas to its CSS box (only when that changed: a resize clears it) and draws. */
export function drawDag(c: HTMLCanvasElement, vw: number, vh: number, l: Layout, tasks: Task[], cam: Camera, marks: Marks): void {
  const ratio = window.devicePixelRatio || 1;
  const pw = Math.max(1, Math.round(vw * ratio));
  const ph = Math.max(1, Math.round(vh * ratio));
  if (c.width !== pw || c.height !== ph) {
    c.width = pw;
    c.height = ph;
  }
  const ctx = c.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, vw, vh);
  const k = cam.k;
  ctx.setTransform(ratio * k, 0, 0, ratio * k, ratio * cam.x, ratio * cam.y);
  // the view in layout units, with room for labels and stubs
  const x0 = -cam.x / k - 60;
  const y0 = -cam.y / k - 20;
  const x1 = (vw - cam.x) / k + 10;
  const y1 = (vh - cam.y) / k + 10;
  const s = l.size;
  const half = s / 2;
  const inView = (i: number) => l.x[i]! >= x0 && l.x[i]! <= x1 && l.y[i]! >= y0 && l.y[i]! <= y1;
  const sel = marks.selected;
  const edge = (i: number, j: number) => {
    ctx.moveTo(l.x[j]! + s, l.y[j]! + half);
    ctx.lineTo(l.x[i]!, l.y[i]! + half);
  };
  // lines keep their width on screen at any zoom
  const px = (w: number) => w / k;
  ctx.strokeStyle = "#9ca3af";
  ctx.lineWidth = px(1);
  ctx.beginPath();
  if (!l.compact) l.deps.forEach((ds, i) => ds.forEach((j) => edge(i, j)));
  else if (sel >= 0) l.deps[sel]!.forEach((j) => edge(sel, j));
  ctx.stroke();
  ctx.strokeStyle = CRITICAL;
  ctx.lineWidth = px(l.compact ? 1.5 : 3);
  ctx.beginPath();
  for (let i = 1; i < l.critical.length; i++) edge(l.critical[i]!, l.critical[i - 1]!);
  ctx.stroke();
  const labels = s * k >= LABEL_AT;
  for (let i = 0; i < tasks.length; i++) {
    if (!inView(i)) continue;
    drawStatus(ctx, tasks[i]!.status, l.x[i]!, l.y[i]!, s);
    if (labels) {
      const id = tasks[i]!.taskId;
      ctx.fillStyle = "#111827";
      ctx.font = `${l.compact ? 3 : 11}px system-ui, sans-serif`;
      ctx.fillText(id.length > 10 ? `${id.slice(0, 9)}…` : id, l.x[i]!, l.y[i]! + s + (l.compact ? 3.5 : 11));
    }
  }
  ctx.strokeStyle = CRITICAL;
  ctx.lineWidth = px(l.compact ? 1 : 2);
  for (const i of l.critical) if (inView(i)) ctx.strokeRect(l.x[i]! - 2, l.y[i]! - 2, s + 4, s + 4);
  // dependencies outside the selection: a dashed stub to the left of the task, with the ids when there is room
  ctx.setLineDash([px(3), px(3)]);
  ctx.strokeStyle = "#374151";
  ctx.lineWidth = px(1);
  const stub = l.compact ? 6 : 38;
  for (const [i, names] of l.outside) {
    if (!inView(i)) continue;
    ctx.beginPath();
    ctx.moveTo(l.x[i]! - stub, l.y[i]! + half);
    ctx.lineTo(l.x[i]!, l.y[i]! + half);
    ctx.stroke();
    if (!l.compact) {
      ctx.fillStyle = "#374151";
      ctx.font = "10px system-ui, sans-serif";
      ctx.fillText(names.join(",").slice(0, 8), l.x[i]! - 38, l.y[i]! + half - 4);
    }
  }
  ctx.setLineDash([]);
  ring(ctx, l, sel, 4, px(2), "#111827");
  ring(ctx, l, marks.focused, 4 + px(3), px(3), FOCUS);
}

/** A ring around a task, `out` layout units off its box. */
function ring(ctx: CanvasRenderingContext2D, l: Layout, i: number, out: number, width: number, color: string): void {
  if (i < 0) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.strokeRect(l.x[i]! - out, l.y[i]! - out, l.size + 2 * out, l.size + 2 * out);
}

/** The task whose box holds the screen point (px, py), or -1. */
export function taskAt(l: Layout, cam: Camera, px: number, py: number, hit: (l: Layout, x: number, y: number) => number): number {
  return hit(l, (px - cam.x) / cam.k, (py - cam.y) / cam.k);
}
