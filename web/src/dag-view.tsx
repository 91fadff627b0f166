// The DAG on a canvas: one draw for 10,000 tasks, where as many DOM nodes would
// not keep up. It zooms (ctrl or ⌘ and the wheel, the buttons, + and -) and pans
// (a drag, shift and the arrow keys); with the focus on it, the arrow keys walk
// the tasks along their edges and levels (dag-nav.ts), Enter opens one, and a
// polite live region says which task has the focus, for screen readers.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { clampPan, fit, reveal, zoomAt, ZOOM_STEP, type Camera } from "./dag-camera.js";
import { drawDag, taskAt } from "./dag-draw.js";
import { hit, layoutDag } from "./dag-layout.js";
import { dependentsOf, step, type Move } from "./dag-nav.js";
import { look, TASK_STATUSES } from "./status.js";
import type { Task } from "./types.js";

const PAD = 16;
/** The view's height: the graph's at 100 %, within these bounds. */
const MIN_HEIGHT = 140;
const MAX_HEIGHT_SHARE = 0.7;
/** A drag shorter than this (px) is a click. */
const DRAG = 4;
/** What shift and an arrow key pans, px. */
const PAN = 80;
const MOVES: Record<string, Move> = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down", Home: "home", End: "end" };

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
  const dependents = useMemo(() => dependentsOf(layout), [layout]);
  // room on the left for the stubs (and ids) of dependencies outside the selection
  const left = layout.outside.size === 0 ? PAD : layout.compact ? PAD + 8 : PAD + 40;
  const home = (): Camera => ({ k: 1, x: left, y: PAD });
  // the camera and the view's size live in refs: a pan redraws the canvas, it does not render
  const cam = useRef<Camera>(home());
  const size = useRef({ w: 600, h: MIN_HEIGHT });
  const [zoom, setZoom] = useState(1);
  const [focused, setFocused] = useState(-1);
  /** The focus ring shows while the keyboard is in use on the canvas (not after a click). */
  const [ring, setRing] = useState(false);
  const sel = useMemo(() => (selected === null ? -1 : tasks.findIndex((t) => t.taskId === selected)), [selected, tasks.length]);
  const frame = useRef(0);
  const drag = useRef<{ id: number; x: number; y: number; cam: Camera; moved: boolean } | null>(null);
  const dragged = useRef(false);

  const measure = () => {
    const c = canvas.current!;
    const w = Math.max(200, c.parentElement!.clientWidth);
    const h = Math.round(Math.max(MIN_HEIGHT, Math.min(layout.height + 2 * PAD, window.innerHeight * MAX_HEIGHT_SHARE)));
    if (w !== size.current.w || h !== size.current.h) {
      size.current = { w, h };
      c.style.height = `${h}px`;
    }
  };
  const paint = () => {
    const c = canvas.current;
    if (!c) return;
    measure();
    drawDag(c, size.current.w, size.current.h, layout, tasks, cam.current, { selected: sel, focused: ring ? focused : -1 });
    // where the camera is, for tests and tools that map a task to the screen
    c.dataset.camera = `${cam.current.k} ${cam.current.x} ${cam.current.y}`;
  };
  // a frame's paint uses the latest render's values
  const painter = useRef(paint);
  painter.current = paint;
  const later = () => {
    frame.current ||= requestAnimationFrame(() => {
      frame.current = 0;
      painter.current();
    });
  };
  const moveTo = (next: Camera, zoomed = false) => {
    cam.current = clampPan(next, layout.width, layout.height, size.current.w, size.current.h, 40);
    if (zoomed) setZoom(cam.current.k);
    later();
  };

  // another graph starts at 100 %, its first level at the left (a new critical path keeps the view)
  useEffect(() => {
    cam.current = home();
    setZoom(1);
    setFocused(-1);
  }, [tasks.length, external]);
  useEffect(() => {
    paint();
    if (performance.getEntriesByName("conveyor:dag-drawn").length === 0) performance.mark("conveyor:dag-drawn");
  }, [layout, version, sel, focused, ring]);
  useEffect(() => {
    const resized = new ResizeObserver(later);
    resized.observe(canvas.current!.parentElement!);
    return () => {
      resized.disconnect();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, []);

  const point = (e: MouseEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const zoomBy = (factor: number, at?: { x: number; y: number }) =>
    moveTo(zoomAt(cam.current, factor, at?.x ?? size.current.w / 2, at?.y ?? size.current.h / 2), true);
  const fitAll = () => {
    // the stubs' room left of the first level is part of what is fitted
    const f = fit(layout.width + left - PAD, layout.height, size.current.w, size.current.h, PAD);
    moveTo({ ...f, x: f.x + (left - PAD) * f.k }, true);
  };
  const reset = () => moveTo(home(), true);
  const focusTask = (i: number) => {
    if (i < 0) return;
    setFocused(i);
    cam.current = reveal(cam.current, layout.x[i]!, layout.y[i]!, layout.size, size.current.w, size.current.h, 24);
    later();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    setRing(true);
    const move = MOVES[e.key];
    if (move && e.shiftKey && move !== "home" && move !== "end") {
      const d = { left: [PAN, 0], right: [-PAN, 0], up: [0, PAN], down: [0, -PAN] }[move];
      moveTo({ ...cam.current, x: cam.current.x + d[0]!, y: cam.current.y + d[1]! });
    } else if (move) focusTask(step(layout, dependents, focused, move));
    else if (e.key === "+" || e.key === "=") zoomBy(ZOOM_STEP);
    else if (e.key === "-" || e.key === "_") zoomBy(1 / ZOOM_STEP);
    else if (e.key === "0") reset();
    else if (e.key === "f") fitAll();
    else if ((e.key === "Enter" || e.key === " ") && focused >= 0) onSelect(tasks[focused]!.taskId);
    else return;
    e.preventDefault();
  };
  const onWheel = (e: WheelEvent) => {
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      zoomBy(Math.exp(-e.deltaY * 0.002), point(e));
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      // sideways: the page has nothing to scroll that way, the graph does
      e.preventDefault();
      moveTo({ ...cam.current, x: cam.current.x - (e.shiftKey ? e.deltaY : e.deltaX) });
    }
  };
  const onPointerDown = (e: PointerEvent) => {
    setRing(false);
    if (e.button !== 0) return;
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY, cam: cam.current, moved: false };
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < DRAG) return;
    if (!d.moved) canvas.current!.setPointerCapture(e.pointerId);
    d.moved = true;
    moveTo({ ...d.cam, x: d.cam.x + dx, y: d.cam.y + dy });
  };
  const onPointerUp = (e: PointerEvent) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    dragged.current = d.moved;
    drag.current = null;
  };
  const onClick = (e: MouseEvent) => {
    if (dragged.current) {
      dragged.current = false;
      return;
    }
    const p = point(e);
    const i = taskAt(layout, cam.current, p.x, p.y, hit);
    if (i < 0) return;
    setFocused(i);
    onSelect(tasks[i]!.taskId);
  };
  // focus by the keyboard (Tab) shows the ring at once, on the open task or the first; a click's does not
  const onFocus = () => {
    if (!canvas.current!.matches(":focus-visible")) return;
    setRing(true);
    if (focused < 0) focusTask(sel >= 0 ? sel : step(layout, dependents, -1, "home"));
  };

  const critical = layout.critical.map((i) => tasks[i]!.taskId);
  const f = focused >= 0 ? tasks[focused] : undefined;
  return (
    <section aria-labelledby="dag-title" class="dag">
      <h2 id="dag-title">Graph</h2>
      <p class="hint">
        {tasks.length} tasks in {layout.levels} levels{layout.compact ? ", grouped by level" : ""}. Critical path ({critical.length} tasks,
        outlined in orange): {critical.slice(0, 12).join(" → ")}
        {critical.length > 12 ? " → …" : ""}. Dashed: a dependency outside the run's selection.
      </p>
      <Legend />
      <div class="dag-tools" role="toolbar" aria-label="Graph view">
        <button type="button" aria-label="Zoom out" onClick={() => zoomBy(1 / ZOOM_STEP)}>
          −
        </button>
        <span data-testid="dag-zoom">{Math.round(zoom * 100)} %</span>
        <button type="button" aria-label="Zoom in" onClick={() => zoomBy(ZOOM_STEP)}>
          +
        </button>
        <button type="button" onClick={fitAll}>
          Fit
        </button>
        <button type="button" onClick={reset}>
          100 %
        </button>
        <span id="dag-keys" class="keys">
          Click or Enter opens a task. Arrow keys: along the edges (left, right) and within a level (up, down); Home, End; shift and the
          arrows or a drag pans; + and -, or ctrl and the wheel, zoom; 0 is 100 %, f fits.
        </span>
      </div>
      <div class="dag-view">
        <canvas
          ref={canvas}
          tabIndex={0}
          data-testid="dag-canvas"
          data-outside={layout.outside.size}
          data-critical={critical.join(" ")}
          data-focused={f?.taskId ?? ""}
          role="application"
          aria-roledescription="dependency graph"
          aria-label={`Dependency graph of ${tasks.length} tasks`}
          aria-describedby="dag-keys dag-focus"
          onKeyDown={onKeyDown}
          onWheel={onWheel}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onClick={onClick}
          onFocus={onFocus}
          onBlur={() => setRing(false)}
        />
      </div>
      <p id="dag-focus" class="sr-only" aria-live="polite" data-testid="dag-focus">
        {f && ring
          ? describe(
              f,
              layout.level[focused]! + 1,
              layout.levels,
              layout.deps[focused]!.length,
              dependents[focused]!.length,
              layout.critical.includes(focused),
            )
          : ""}
      </p>
    </section>
  );
}

function describe(t: Task, level: number, levels: number, deps: number, dependents: number, critical: boolean): string {
  const title = t.title && t.title !== t.taskId ? `, ${t.title}` : "";
  const links = `${deps} ${deps === 1 ? "dependency" : "dependencies"}, ${dependents} ${dependents === 1 ? "dependent" : "dependents"}`;
  return `Task ${t.taskId}${title}: ${look(t.status).label}, level ${level} of ${levels}, ${links}${critical ? ", on the critical path" : ""}.`;
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
