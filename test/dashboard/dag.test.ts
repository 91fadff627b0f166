// The DAG view's camera and keyboard in headless Chromium against a real server:
// zoom (the keys, the buttons, ctrl and the wheel), pan (a drag, shift and the
// arrows), the keyboard's walk through the tasks (Tab in, arrows along edges and
// levels, Enter opens), its ring and its spoken description, axe-core with the
// focus on the graph, and the same on a 10,000-task run. Where a task is drawn
// is checked in the canvas's pixels and by clicking it there.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium, offlineContext } from "../support/browser.js";
import { startTestServer, type TestServer } from "../api/support/server.js";
import { axeViolations, buildDashboard, START } from "./support.js";

/** The layout of a small graph (dag-layout.ts): boxes of 28, 14 apart in a level, a level's column 90 from the next. */
const BOX = 28;
const ROW = BOX + 14;
const LEVEL = BOX + 14 + 90;

describe.runIf(chromiumAvailable("dashboard DAG"))("dashboard DAG view: zoom, pan, keyboard (headless Chromium)", () => {
  let s: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    buildDashboard();
    [s, browser] = await Promise.all([startTestServer("pglite"), launchChromium()]);
    page = await (await offlineContext(browser)).newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function start(tasks: unknown[], selection?: string[]): Promise<string> {
    const input = { inline: tasks, ...(selection ? { selection: JSON.stringify(selection) } : {}) };
    const r = await s.gql(START, { input: { ...input, options: { executor: "fn", force: true, maxParallel: 1 } } });
    expect(r.body.errors ?? r.body.data.startRun.__typename).toBe("StartRunPayload");
    return r.body.data.startRun.run.id as string;
  }
  const canvas = () => page.getByTestId("dag-canvas");
  /** The camera as last drawn (a pan or a zoom draws at the next frame). */
  const camera = async () => {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const [k, x, y] = (await canvas().getAttribute("data-camera"))!.split(" ").map(Number);
    return { k: k!, x: x!, y: y! };
  };
  /** Where a task's box centre is on the page, from its layout position and the camera. */
  const onScreen = async (lx: number, ly: number, size = BOX) => {
    const c = await camera();
    const box = (await canvas().boundingBox())!;
    return { x: box.x + c.x + (lx + size / 2) * c.k, y: box.y + c.y + (ly + size / 2) * c.k };
  };
  /** The canvas's pixel (red, green, blue) at that page point. */
  const pixel = (p: { x: number; y: number }) =>
    canvas().evaluate((el, p) => {
      const c = el as HTMLCanvasElement;
      const r = c.getBoundingClientRect();
      const ratio = c.width / r.width;
      return Array.from(
        c
          .getContext("2d")!
          .getImageData(Math.round((p.x - r.left) * ratio), Math.round((p.y - r.top) * ratio), 1, 1)
          .data.slice(0, 3),
      );
    }, p);
  /** Whether something is drawn there (not the white ground). */
  const drawnAt = async (p: { x: number; y: number }) => (await pixel(p)).reduce((a, b) => a + b) < 3 * 250;
  const focused = () => canvas().getAttribute("data-focused");
  async function tabIntoCanvas() {
    await page.locator("h1").click();
    for (let i = 0; i < 60 && !(await canvas().evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    expect(await canvas().evaluate((el) => el === document.activeElement && el.matches(":focus-visible"))).toBe(true);
  }

  it("walks the tasks with the keyboard along edges and levels, says which one has the focus, and opens it with Enter", async () => {
    // a; b and c after a; d after b: levels [a], [b, c], [d]
    const runId = await start([
      { id: "a", title: "first", dependencies: [] },
      { id: "b", dependencies: ["a"] },
      { id: "c", dependencies: ["a"] },
      { id: "d", dependencies: ["b"] },
    ]);
    await s.app.engine.waitForRun(runId);
    await page.goto(`${s.url}/runs/${runId}`);
    await canvas().waitFor();
    await tabIntoCanvas();
    expect(await focused()).toBe("a");
    await expect
      .poll(() => page.getByTestId("dag-focus").textContent())
      .toBe("Task a, first: succeeded, level 1 of 3, 0 dependencies, 2 dependents, on the critical path.");
    expect(await canvas().getAttribute("aria-describedby")).toContain("dag-focus");
    const walk: string[] = [];
    for (const key of [
      "ArrowRight",
      "ArrowDown",
      "ArrowDown",
      "ArrowUp",
      "ArrowRight",
      "ArrowLeft",
      "ArrowLeft",
      "End",
      "Home",
      "ArrowRight",
      "ArrowRight",
    ]) {
      await page.keyboard.press(key);
      walk.push((await focused())!);
    }
    expect(walk).toEqual(["b", "c", "c", "b", "d", "b", "a", "d", "a", "b", "d"]);
    await expect
      .poll(() => page.getByTestId("dag-focus").textContent())
      .toContain("Task d: succeeded, level 3 of 3, 1 dependency, 0 dependents");
    // the focus ring (blue) is drawn around d (level 2), 7 px off its box
    const ring = await onScreen(2 * LEVEL - 7 - BOX / 2, 0);
    const [red, , blue] = await pixel(ring);
    expect({ red: red! < 100, blue: blue! > 150 }).toEqual({ red: true, blue: true });
    // and only while the graph has the focus
    await page.locator("h1").click();
    await expect.poll(async () => (await pixel(ring))[2]! > 150 && (await pixel(ring))[0]! < 100).toBe(false);
    await tabIntoCanvas();
    expect(await focused()).toBe("d");
    expect({ path: "graph focused", violations: await axeViolations(page) }).toEqual({ path: "graph focused", violations: [] });
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/runs/${runId}/tasks/d`);
    await page.getByTestId("task-panel").waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("zooms with the keys, the buttons and ctrl and the wheel (about the pointer), pans with a drag and shift and the arrows, and a click still finds its task", async () => {
    const runId = await start([
      { id: "a", dependencies: [] },
      { id: "b", dependencies: ["a"] },
      { id: "c", dependencies: ["a"] },
    ]);
    await s.app.engine.waitForRun(runId);
    await page.goto(`${s.url}/runs/${runId}`);
    await canvas().waitFor();
    const zoom = () => page.getByTestId("dag-zoom").textContent();
    expect(await zoom()).toBe("100 %");
    // c is the second of level 1
    const c = { x: LEVEL, y: ROW };
    expect(await drawnAt(await onScreen(c.x, c.y))).toBe(true);
    await tabIntoCanvas();
    await page.keyboard.press("+");
    await page.keyboard.press("+");
    expect(await zoom()).toBe("156 %");
    await page.getByRole("button", { name: "Zoom out" }).click();
    expect(await zoom()).toBe("125 %");
    await page.getByRole("button", { name: "100 %" }).click();
    expect(await camera()).toEqual({ k: 1, x: 16, y: 16 });
    // ctrl and the wheel zoom about the pointer: the layout point under it stays under it
    const at = await onScreen(c.x, c.y);
    await page.mouse.move(at.x, at.y);
    await page.keyboard.down("Control");
    await page.mouse.wheel(0, -300);
    await page.keyboard.up("Control");
    await expect.poll(async () => (await camera()).k).toBeGreaterThan(1.5);
    const after = await onScreen(c.x, c.y);
    expect(Math.abs(after.x - at.x) + Math.abs(after.y - at.y)).toBeLessThan(1);
    expect(await drawnAt(after)).toBe(true);
    // a drag pans by as much, and opens nothing though it ends on a task
    const before = await camera();
    const from = await onScreen(0, 0);
    await page.mouse.move(from.x + 200, from.y + 60);
    await page.mouse.down();
    await page.mouse.move(from.x + 150, from.y + 40, { steps: 4 });
    await page.mouse.move(from.x + 100, from.y + 20, { steps: 4 });
    await page.mouse.up();
    await expect.poll(camera).toEqual({ k: before.k, x: expect.closeTo(before.x - 100, 3), y: expect.closeTo(before.y - 40, 3) });
    expect(page.url()).toBe(`${s.url}/runs/${runId}`);
    // shift and the arrows pan too
    await page.keyboard.press("Shift+ArrowLeft");
    await expect.poll(async () => (await camera()).x).toBeCloseTo(before.x - 100 + 80, 3);
    // where c is now drawn, it is drawn, and a click there opens c
    const now = await onScreen(c.x, c.y);
    expect(await drawnAt(now)).toBe(true);
    await page.mouse.click(now.x, now.y);
    await page.waitForURL(`**/runs/${runId}/tasks/c`);
    expect(await focused()).toBe("c");
    expect(pageErrors).toEqual([]);
  });

  it("stays responsive on a 10,000-task run: keys move the focus along edges, zoom and pan redraw quickly", async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    s.tasks.set("n0", () => gate);
    // the first level waits for a task done in the file and left out of the selection
    const ids = Array.from({ length: 10_000 }, (_, i) => `n${i}`);
    const tasks = ids.map((id, i) => ({ id, dependencies: i >= 100 ? [`n${i - 100}`] : ["pre"] }));
    const runId = await start([{ id: "pre", status: "done", dependencies: [] }, ...tasks], ids);
    try {
      await page.goto(`${s.url}/runs/${runId}`);
      await canvas().waitFor();
      await expect.poll(() => page.locator(".dag .hint").textContent()).toContain("10000 tasks in 100 levels");
      // the dependencies outside the selection come with the tasks' pages, at any size: 100 tasks wait for one
      await expect.poll(() => canvas().getAttribute("data-outside")).toBe("100");
      await tabIntoCanvas();
      expect(await focused()).toBe("n0");
      await page.keyboard.press("ArrowRight");
      expect(await focused()).toBe("n100");
      await page.keyboard.press("ArrowDown");
      expect(await focused()).toBe("n101");
      // 30 zoom and pan steps, each awaited until drawn
      const t0 = Date.now();
      for (let i = 0; i < 10; i++) for (const key of ["-", "Shift+ArrowRight", "+"]) await page.keyboard.press(key);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const ms = Date.now() - t0;
      console.log(`10,000-task DAG: 30 zoom and pan steps in ${ms} ms`);
      expect(ms).toBeLessThan(10_000);
      await page.keyboard.press("f");
      await expect.poll(() => page.getByTestId("dag-zoom").textContent()).not.toBe("100 %");
      await page.keyboard.press("Enter");
      await page.waitForURL(`**/runs/${runId}/tasks/n101`);
    } finally {
      await s.gql(`mutation ($id: ID!) { cancelRun(runId: $id) { __typename } }`, { id: runId });
      release();
    }
    expect(pageErrors).toEqual([]);
  });

  it("gives every task of a large run its row in the timeline, drawn as it scrolls into view", async () => {
    const n = 2_500;
    const r = await s.gql(START, {
      input: {
        inline: Array.from({ length: n }, (_, i) => ({ id: `m${i}`, dependencies: [] })),
        options: { executor: "fn", force: true, maxParallel: 50 },
      },
    });
    const runId = r.body.data.startRun.run.id as string;
    await s.app.engine.waitForRun(runId);
    await page.goto(`${s.url}/runs/${runId}`);
    await page.getByRole("tab", { name: "Timeline" }).click();
    await expect.poll(() => page.locator(".timeline .hint").textContent(), { timeout: 30_000 }).toContain(`${n} attempts of ${n} tasks`);
    const scroller = page.locator(".timeline-scroll");
    // the rows' full height is there to scroll (14 px a row), though the canvas is only the view's
    expect(await scroller.evaluate((el) => el.scrollHeight)).toBeGreaterThan(n * 14);
    expect(
      await page.getByTestId("timeline-canvas").evaluate((el) => (el as HTMLCanvasElement).getBoundingClientRect().height),
    ).toBeLessThan(2_000);
    /** Whether any bar is drawn right of the labels in the canvas's last rows in view. */
    const barsAtFoot = () =>
      page.getByTestId("timeline-canvas").evaluate((el) => {
        const c = el as HTMLCanvasElement;
        const ratio = c.width / c.getBoundingClientRect().width;
        const d = c
          .getContext("2d")!
          .getImageData(
            Math.round(95 * ratio),
            c.height - Math.round(60 * ratio),
            c.width - Math.round(100 * ratio),
            Math.round(30 * ratio),
          ).data;
        for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! < 3 * 240) return true;
        return false;
      });
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(barsAtFoot).toBe(true);
    // the last task's label is in the last row: the canvas drew the rows scrolled into view
    expect(await page.getByTestId("timeline-canvas").getAttribute("data-rows")).toMatch(new RegExp(`^\\d+-${n - 1}$`));
    expect(pageErrors).toEqual([]);
  });
});
