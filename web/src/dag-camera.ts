// The DAG view's camera: a zoom factor and an offset, from layout units to the
// canvas's CSS pixels (screen = layout × k + offset). Pure: zooming about a
// point, fitting, keeping a task in view, and never losing the graph entirely.

export interface Camera {
  k: number;
  x: number;
  y: number;
}

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 8;
/** One zoom step (a key, a button). */
export const ZOOM_STEP = 1.25;

/** Zooms by `factor` keeping the layout point under (px, py) where it is. */
export function zoomAt(c: Camera, factor: number, px: number, py: number): Camera {
  const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, c.k * factor));
  const f = k / c.k;
  return { k, x: px - (px - c.x) * f, y: py - (py - c.y) * f };
}

/** The whole graph (w × h layout units) in a view of vw × vh px, with a margin, never above 100 %. */
export function fit(w: number, h: number, vw: number, vh: number, margin: number): Camera {
  const k = Math.max(MIN_ZOOM, Math.min(1, (vw - 2 * margin) / Math.max(1, w), (vh - 2 * margin) / Math.max(1, h)));
  return { k, x: (vw - w * k) / 2, y: (vh - h * k) / 2 };
}

/** Pans as little as needed to show the box (x, y, s × s layout units) inside the view, with a margin. */
export function reveal(c: Camera, bx: number, by: number, s: number, vw: number, vh: number, margin: number): Camera {
  const shift = (at: number, size: number, view: number) =>
    at < margin ? margin - at : at + size > view - margin ? view - margin - (at + size) : 0;
  return { k: c.k, x: c.x + shift(bx * c.k + c.x, s * c.k, vw), y: c.y + shift(by * c.k + c.y, s * c.k, vh) };
}

/** Keeps at least `keep` px of the graph (w × h layout units) inside the view. */
export function clampPan(c: Camera, w: number, h: number, vw: number, vh: number, keep: number): Camera {
  const clamp = (v: number, size: number, view: number) => Math.min(view - Math.min(keep, size), Math.max(Math.min(keep, size) - size, v));
  return { k: c.k, x: clamp(c.x, w * c.k, vw), y: clamp(c.y, h * c.k, vh) };
}
