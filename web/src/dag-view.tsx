// The DAG on a canvas: one draw for 10,000 tasks, where as many DOM nodes would
// not keep up. Small runs get labelled boxes and every edge; large ones packed
// squares per level, with the edges of the critical path and of the chosen task.
import { useEffect, useMemo, useRef } from "preact/hooks";
import { drawStatus } from "./draw.js";
import { hit, layoutDag, type Layout } from "./dag-layout.js";
import { look, TASK_STATUSES } from "./status.js";
import type { Task } from "./types.js";

const PAD = 16;
/** Room on the left for the stubs (and ids) of dependencies outside the selection. */
const leftPad = (l: Layout) => (l.outside.size === 0 ? PAD : l.compact ? PAD + 8 : PAD + 40);
const CRITICAL = "#c2410c";

interface Props {
  tasks: Task[];
  /** Changes whenever a task's status changes (the tasks array is updated in place). */
  version: number;
  selected: string | null;
  external: Map<string, string[]>;
  onSelect(taskId: string): void;
}

export function DagView({ tasks, version, selected, external, onSelect }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // layout depends on the graph, not on statuses; the critical path's weights follow finished durations
  const settled = tasks.reduce((n, t) => n + (t.durationMs !== null ? 1 : 0), 0);
  const layout = useMemo(() => {
    const started = performance.now();
    const l = layoutDag(tasks, external);
    performance.measure("dag-layout", { start: started, end: performance.now() });
    return l;
  }, [tasks.length, settled, external]);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    draw(c, layout, tasks, selected);
    if (performance.getEntriesByName("conveyor:dag-drawn").length === 0) performance.mark("conveyor:dag-drawn");
  }, [layout, version, selected]);

  const onClick = (e: MouseEvent) => {
    const c = canvas.current!;
    const r = c.getBoundingClientRect();
    const i = hit(layout, e.clientX - r.left - leftPad(layout), e.clientY - r.top - PAD);
    if (i >= 0) onSelect(tasks[i]!.taskId);
  };
  const critical = layout.critical.map((i) => tasks[i]!.taskId);
  return (
    <section aria-labelledby="dag-title" class="dag">
      <h2 id="dag-title">Graph</h2>
      <p class="hint">
        {tasks.length} tasks in {layout.levels} levels{layout.compact ? ", grouped by level" : ""}. Critical path ({critical.length} tasks, outlined in orange):{" "}
        {critical.slice(0, 12).join(" → ")}
        {critical.length > 12 ? " → …" : ""}. Dashed: a dependency outside the run's selection. Click a task to open it; the task list below is the keyboard way.
      </p>
      <Legend />
      <div class="dag-scroll">
        <canvas ref={canvas} data-testid="dag-canvas" data-outside={layout.outside.size} data-critical={critical.join(" ")} role="img" aria-label={`Dependency graph of ${tasks.length} tasks`} onClick={onClick} />
      </div>
    </section>
  );
}

function Legend() {
  return (
    <ul class="legend" aria-label="Legend">
      {TASK_STATUSES.map((s) => (
        <li key={s}>
          <span style={{ color: look(s).color }} aria-hidden="true">
            {look(s).icon}
          </span>{" "}
          {look(s).label}
        </li>
      ))}
    </ul>
  );
}

function draw(c: HTMLCanvasElement, l: Layout, tasks: Task[], selected: string | null): void {
  const ratio = window.devicePixelRatio || 1;
  const left = leftPad(l);
  const w = l.width + PAD + left;
  const h = l.height + PAD * 2;
  // a canvas has a size limit (about 16k px a side, 268M px in all); past it draw at a smaller scale
  const scale = Math.min(ratio, 16_000 / Math.max(w, h, 1));
  c.width = Math.ceil(w * scale);
  c.height = Math.ceil(h * scale);
  c.style.width = `${w}px`;
  c.style.height = `${h}px`;
  const ctx = c.getContext("2d")!;
  ctx.setTransform(scale, 0, 0, scale, left * scale, PAD * scale);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(-left, -PAD, w, h);
  const s = l.size;
  const half = s / 2;
  const sel = selected === null ? -1 : tasks.findIndex((t) => t.taskId === selected);
  const onPath = new Set(l.critical);
  const edge = (i: number, j: number) => {
    ctx.moveTo(l.x[j]! + s, l.y[j]! + half);
    ctx.lineTo(l.x[i]!, l.y[i]! + half);
  };
  // edges: all of them for a small graph, else only those that matter
  ctx.strokeStyle = "#9ca3af";
  ctx.lineWidth = 1;
  ctx.beginPath();
  if (!l.compact) l.deps.forEach((ds, i) => ds.forEach((j) => edge(i, j)));
  else if (sel >= 0) l.deps[sel]!.forEach((j) => edge(sel, j));
  ctx.stroke();
  ctx.strokeStyle = CRITICAL;
  ctx.lineWidth = l.compact ? 1.5 : 3;
  ctx.beginPath();
  for (let k = 1; k < l.critical.length; k++) edge(l.critical[k]!, l.critical[k - 1]!);
  ctx.stroke();
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    drawStatus(ctx, t.status, l.x[i]!, l.y[i]!, s);
    if (onPath.has(i)) {
      ctx.strokeStyle = CRITICAL;
      ctx.lineWidth = l.compact ? 1 : 2;
      ctx.strokeRect(l.x[i]! - 2, l.y[i]! - 2, s + 4, s + 4);
    }
    if (!l.compact) {
      ctx.fillStyle = "#111827";
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillText(t.taskId.length > 10 ? `${t.taskId.slice(0, 9)}…` : t.taskId, l.x[i]!, l.y[i]! + s + 11);
    }
  }
  // dependencies outside the selection: a dashed stub to the left of the task, with the ids when there is room
  ctx.setLineDash([3, 3]);
  ctx.strokeStyle = "#374151";
  ctx.lineWidth = 1;
  for (const [i, names] of l.outside) {
    ctx.beginPath();
    ctx.moveTo(l.x[i]! - (l.compact ? 6 : 38), l.y[i]! + half);
    ctx.lineTo(l.x[i]!, l.y[i]! + half);
    ctx.stroke();
    if (!l.compact) {
      ctx.fillStyle = "#374151";
      ctx.font = "10px system-ui, sans-serif";
      ctx.fillText(names.join(",").slice(0, 8), l.x[i]! - 38, l.y[i]! + half - 4);
    }
  }
  ctx.setLineDash([]);
  if (sel >= 0) {
    ctx.strokeStyle = "#111827";
    ctx.lineWidth = 2;
    ctx.strokeRect(l.x[sel]! - 4, l.y[sel]! - 4, s + 8, s + 8);
  }
}
