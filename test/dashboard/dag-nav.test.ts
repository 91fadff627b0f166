// The DAG view's pure parts without a browser: the keyboard's walk through the
// layout (along edges, within levels, to the nearest task where no edge goes)
// and the camera (zoom about a point, fit, reveal, never losing the graph).
import { describe, expect, it } from "vitest";
import { clampPan, fit, MAX_ZOOM, reveal, zoomAt } from "../../web/src/dag-camera.js";
import { layoutDag } from "../../web/src/dag-layout.js";
import { dependentsOf, step, type Move } from "../../web/src/dag-nav.js";
import type { Task } from "../../web/src/types.js";

const task = (taskId: string, dependencies: string[] = []): Task => ({
  taskId,
  title: taskId,
  kind: "task",
  status: "PENDING",
  memoized: false,
  attemptCount: 0,
  dependencies,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
});

describe("the keyboard's walk through the DAG", () => {
  // levels: [a, e], [b, c], [d]; e has no dependents, d no dependents
  const tasks = [task("a"), task("b", ["a"]), task("c", ["a"]), task("d", ["c"]), task("e")];
  const l = layoutDag(tasks);
  const dependents = dependentsOf(l);
  const walk = (from: string, ...moves: Move[]) => {
    let i = tasks.findIndex((t) => t.taskId === from);
    return moves.map((m) => tasks[(i = step(l, dependents, i, m))]!.taskId);
  };

  it("goes right to the nearest dependent, left to the nearest dependency, up and down within a level", () => {
    expect(walk("a", "right", "down", "right", "left", "left", "down", "up")).toEqual(["b", "c", "d", "c", "a", "e", "a"]);
    // at a level's ends it stays
    expect(walk("a", "up")).toEqual(["a"]);
    expect(walk("c", "down")).toEqual(["c"]);
  });

  it("without an edge that way, goes to the nearest task of the next or previous level; past the last level it stays", () => {
    expect(walk("e", "right")).toEqual(["c"]);
    expect(walk("d", "right")).toEqual(["d"]);
    expect(walk("a", "left")).toEqual(["a"]);
  });

  it("Home and End go to the first and the last task, and an unfocused graph starts at the first", () => {
    expect(walk("c", "end", "home")).toEqual(["d", "a"]);
    expect(step(l, dependents, -1, "right")).toBe(0);
    expect(step(layoutDag([]), [], -1, "home")).toBe(-1);
  });
});

describe("the DAG view's camera", () => {
  it("zooms about a point, keeping the layout point under it, within its bounds", () => {
    const c = zoomAt({ k: 1, x: 16, y: 16 }, 2, 116, 66);
    expect(c).toEqual({ k: 2, x: -84, y: -34 });
    // the layout point (100, 50) was at (116, 66) and still is
    expect([100 * c.k + c.x, 50 * c.k + c.y]).toEqual([116, 66]);
    expect(zoomAt(c, 1_000, 0, 0).k).toBe(MAX_ZOOM);
  });

  it("fits the whole graph, centred, never above 100 %", () => {
    expect(fit(2_000, 500, 1_000, 500, 0)).toEqual({ k: 0.5, x: 0, y: 125 });
    expect(fit(100, 100, 1_000, 500, 0).k).toBe(1);
  });

  it("reveals a task by panning as little as needed, and keeps part of the graph in view", () => {
    expect(reveal({ k: 1, x: 0, y: 0 }, 10, 10, 8, 100, 100, 5)).toEqual({ k: 1, x: 0, y: 0 });
    expect(reveal({ k: 1, x: 0, y: 0 }, 200, 10, 8, 100, 100, 5)).toEqual({ k: 1, x: -113, y: 0 });
    expect(reveal({ k: 2, x: 0, y: 0 }, -10, 10, 8, 100, 100, 5)).toEqual({ k: 2, x: 25, y: 0 });
    expect(clampPan({ k: 1, x: -5_000, y: 5_000 }, 1_000, 1_000, 500, 500, 40)).toEqual({ k: 1, x: -960, y: 460 });
  });
});
