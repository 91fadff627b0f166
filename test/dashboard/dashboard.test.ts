// The dashboard in headless Chromium against a real server (port 0, PGlite,
// real local processes), through a proxy a test can cut. The browser context
// aborts every request that is not to loopback, so a page that needed a CDN
// would fail here. Runs are started from the page and through the API; every
// answer checked is the one the page shows.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "../../src/engine/topics.js";
import { chromiumAvailable, launchChromium, offlineContext } from "../support/browser.js";
import { startTestServer, type TestServer } from "../api/support/server.js";
import { axeViolations, buildDashboard, cuttableProxy, shellTasks, START, type CuttableProxy } from "./support.js";

describe.runIf(chromiumAvailable("dashboard"))("dashboard (headless Chromium)", () => {
  let s: TestServer;
  let proxy: CuttableProxy;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const offsite: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    buildDashboard();
    [s, browser] = await Promise.all([startTestServer("pglite"), launchChromium()]);
    proxy = await cuttableProxy(s.url);
    context = await offlineContext(browser);
    // requests to another host (aborted by the context); loopback ones cut short by a navigation are not
    context.on("requestfailed", (r) => new URL(r.url()).hostname !== "127.0.0.1" && offsite.push(`${r.url()}: ${r.failure()?.errorText}`));
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await s?.close();
  });

  async function start(tasks: unknown[], options: Record<string, unknown> = {}): Promise<string> {
    const r = await s.gql(START, { input: { inline: tasks, options: { executor: "local", retry: { retryLimit: 0 }, ...options } } });
    expect(r.body.errors ?? r.body.data.startRun.__typename).toBe("StartRunPayload");
    return r.body.data.startRun.run.id as string;
  }
  const badge = () => page.getByTestId("run-status");
  const expectStatus = (status: string, timeout = 20_000) =>
    expect.poll(() => badge().getAttribute("data-status"), { timeout }).toBe(status);

  it("serves the page and its assets from the package at /, /runs/<id> and /runs/<id>/tasks/<id>, with nothing from another host", async () => {
    for (const path of ["/", "/runs/x", "/runs/x/tasks/1"]) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain('<script type="module" src="/assets/app.js">');
    }
    const js = await fetch(`${s.url}/assets/app.js`);
    expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await js.text()).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[a-z0-9.-]+\.[a-z]{2,}\/[^\s"']*\.(js|css|woff2?)/i);
    expect((await fetch(`${s.url}/assets/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${s.url}/assets/nothing.js`)).status).toBe(404);
    const post = await fetch(`${s.url}/`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");
    // the API is where it was
    expect((await fetch(`${s.url}/api/openapi.json`)).status).toBe(200);
    await page.goto(`${proxy.url}/`);
    await expect.poll(() => page.getByTestId("connection").getAttribute("data-state")).toBe("connected");
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    expect(offsite).toEqual([]);
    // a deep link to nothing says so, malformed escapes included
    for (const id of ["no-such-run", "%ZZ"]) {
      await page.goto(`${proxy.url}/runs/${id}/tasks/1`);
      await page.getByRole("heading", { name: `No run ${id}` }).waitFor();
    }
    // and the guard does catch another host
    const probe = await context.newPage();
    await probe.goto("http://example.com/").catch(() => undefined);
    await probe.close();
    expect(offsite.splice(0).some((u) => u.startsWith("http://example.com/"))).toBe(true);
  });

  it("starts a run from the page and watches it finish, live", async () => {
    await page.goto(`${proxy.url}/`);
    await page.getByText("Start a run").click();
    await page.getByLabel("Executor").selectOption("local");
    const tasks = shellTasks([
      ["one", [], "sleep 0.3; echo one"],
      ["two", ["one"], "sleep 0.3; echo two"],
      ["three", ["one"], "echo three"],
    ]);
    await page.getByTestId("inline-tasks").fill(JSON.stringify(tasks));
    await page.getByRole("button", { name: "Start", exact: true }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").pop()!;
    await expectStatus("SUCCEEDED");
    await expect.poll(() => page.getByTestId("progress-text").textContent()).toContain("3 / 3");
    expect(await page.locator('[data-count="succeeded"] strong').textContent()).toBe("3");
    expect(await page.getByTestId("dag-canvas").isVisible()).toBe(true);
    // the runs list shows it, and opens it by a prefix of its id
    await page.getByRole("link", { name: "Runs", exact: true }).click();
    await page.locator(`tr[data-run="${runId}"]`).waitFor();
    await page.getByTestId("open-run").fill(runId.slice(0, 8));
    await page.getByRole("button", { name: "Open" }).click();
    await page.waitForURL(`**/runs/${runId}`);
  });

  it("lists runs live (runsChanged): a run started elsewhere appears and turns succeeded; the status filter keeps to its status", async () => {
    await page.goto(`${proxy.url}/`);
    await page.getByTestId("runs").waitFor();
    const runId = await start(shellTasks([["a", [], "sleep 0.5"]]));
    const row = page.locator(`tr[data-run="${runId}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator("[data-status]").getAttribute("data-status"), { timeout: 15_000 }).toBe("SUCCEEDED");
    await page.getByTestId("status-filter").selectOption("FAILED");
    await expect.poll(() => row.count()).toBe(0);
    await page.getByTestId("status-filter").selectOption("SUCCEEDED");
    await row.waitFor();
  });

  it("shows a failing task's log, stdout and stderr apart, and retries it from the task panel", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "dash-")), "second-time");
    const runId = await start(
      shellTasks([
        ["flaky", [], `echo trying; if [ -f ${marker} ]; then echo fine; else touch ${marker}; echo boom >&2; exit 3; fi`],
        ["after", ["flaky"], "echo after"],
      ]),
    );
    await s.app.engine.waitForRun(runId);
    await page.goto(`${proxy.url}/runs/${runId}/tasks/flaky`);
    await expectStatus("FAILED");
    const log = page.getByTestId("log");
    await log.locator('[data-stream="STDERR"]', { hasText: "boom" }).waitFor();
    expect(await log.locator('[data-stream="STDOUT"]').first().textContent()).toContain("trying");
    expect(await page.getByTestId("task-status").textContent()).toContain("failed");
    await page.getByRole("button", { name: "Retry task" }).click();
    await expect.poll(() => page.getByTestId("task-answer").textContent()).toBe("Retrying");
    await expectStatus("SUCCEEDED");
    await expect.poll(() => page.getByTestId("task-status").textContent(), { timeout: 10_000 }).toContain("succeeded");
    await log.locator('[data-stream="STDOUT"]', { hasText: "fine" }).waitFor();
  });

  it("follows a running task's log, and stops following while the user has scrolled up", async () => {
    const runId = await start(shellTasks([["talk", [], "i=0; while [ $i -lt 80 ]; do echo line $i; i=$((i+1)); sleep 0.05; done"]]));
    await page.goto(`${proxy.url}/runs/${runId}/tasks/talk`);
    const log = page.getByTestId("log");
    await log.locator("[data-stream]", { hasText: "line 30" }).waitFor();
    const atEnd = () => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 8);
    // the view follows after the lines are painted (an effect): on a busy machine, a moment later
    await expect.poll(atEnd, { timeout: 5_000 }).toBe(true);
    // the user's wheel, not a script's scroll: only the user's input stops following
    await log.hover();
    await page.mouse.wheel(0, -100_000);
    await page.getByText("paused (scrolled up)").waitFor();
    // the wheel's scroll may be smooth, and Chrome clamps it to the room above when it starts: a line
    // followed meanwhile leaves it that line short of the top. Where it comes to rest, it stays as lines arrive.
    const top = () => log.evaluate((el) => el.scrollTop);
    let last = -1;
    await expect.poll(async () => last === (last = await top()), { interval: 150, timeout: 5_000 }).toBe(true);
    expect(last).toBeLessThan(100);
    await log.locator("[data-stream]", { hasText: "line 50" }).waitFor();
    expect(await top()).toBe(last);
    await page.getByRole("button", { name: "Follow" }).click();
    await page.getByText("following", { exact: true }).waitFor();
    await log.locator("[data-stream]", { hasText: "line 79" }).waitFor();
    await expect.poll(atEnd).toBe(true);
    // every line once, in order
    expect(await log.locator("[data-stream]").count()).toBe(80);
  });

  it("holds a long log's last lines only, letting older ones go a block at a time and saying how many", async () => {
    // a page that holds 400 lines (10,000 by default), so the test needs only 1,000 lines
    const small = await context.newPage();
    await small.addInitScript(() => ((window as { conveyorLogLines?: number }).conveyorLogLines = 400));
    // 1,000 lines at ~400 a second, once the page watches: under the 500 lines a second a watched attempt
    // publishes, and none before the page came, so every line reaches the page
    const gate = join(mkdtempSync(join(tmpdir(), "dash-")), "watched");
    const script = `const fs=require("fs");let i=0;const t=setInterval(()=>{if(!fs.existsSync(${JSON.stringify(gate)}))return;for(let k=0;k<20&&i<1000;k++)console.log("row "+i++);if(i>=1000)clearInterval(t)},50)`;
    const runId = await start(shellTasks([["long", [], `"${process.execPath}" -e '${script}'`]]));
    const off = s.app.engine.bus.subscribe(topics.logWatch, (notices) => {
      if (notices.some((n) => n.type === "log.watch" && n.data.runId === runId)) writeFileSync(gate, "");
    });
    try {
      await small.goto(`${proxy.url}/runs/${runId}/tasks/long`);
      const log = small.getByTestId("log");
      await log.locator("[data-stream]", { hasText: "row 999" }).waitFor({ timeout: 20_000 });
      const rows = (await log.locator("[data-stream]").allTextContents()).map((t) => Number(/row (\d+)/.exec(t)![1]));
      const gone = rows[0]!;
      // what is held: the newest lines, whole, in order, from a block boundary on
      expect(rows).toEqual(Array.from({ length: 1000 - gone }, (_, i) => gone + i));
      expect(gone % 200).toBe(0);
      expect(rows.length).toBeGreaterThanOrEqual(400);
      expect(rows.length).toBeLessThan(600);
      expect(await log.getByTestId("log-let-go").textContent()).toContain(`${gone} earlier lines not kept here`);
      expect(await small.getByText("Log: 1000 lines").count()).toBe(1);
    } finally {
      off();
      await small.close();
    }
  });

  it("stops following when a finger swipes the log down (a touch screen's scroll up)", async () => {
    const stop = join(mkdtempSync(join(tmpdir(), "dash-")), "stop");
    const script = `let i=0;const t=setInterval(()=>{for(let k=0;k<2;k++)console.log("swipe "+i++);if(require("fs").existsSync(${JSON.stringify(stop)}))clearInterval(t)},10)`;
    const runId = await start(shellTasks([["swipe", [], `"${process.execPath}" -e '${script}'`]]));
    const p = await context.newPage();
    try {
      await p.goto(`${proxy.url}/runs/${runId}/tasks/swipe`);
      const log = p.getByTestId("log");
      const state = () => p.getByTestId("log-follow").textContent();
      const atEnd = () => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 8);
      await expect.poll(() => log.locator("[data-stream]").count(), { timeout: 10_000 }).toBeGreaterThan(200);
      await expect.poll(atEnd, { timeout: 5_000 }).toBe(true);
      expect(await state()).toBe("following");
      // real touch input through Chromium's input pipeline: the finger moves down, the content up
      const cdp = await context.newCDPSession(p);
      await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 1 });
      const box = (await log.boundingBox())!;
      const x = box.x + box.width / 2;
      await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y: box.y + 40 }] });
      for (let y = 70; y <= 280; y += 30)
        await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y: box.y + y }] });
      await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
      await expect.poll(state).toContain("paused");
      // it came to rest above the end (a fling may glide on for a while on a busy machine), and stays there while lines keep coming
      let rest = -1;
      await expect
        .poll(async () => rest === (rest = await log.evaluate((el) => el.scrollTop)), { interval: 200, timeout: 10_000 })
        .toBe(true);
      expect(await atEnd()).toBe(false);
      await p.waitForTimeout(500);
      expect(await log.evaluate((el) => el.scrollTop)).toBe(rest);
      await cdp.detach();
    } finally {
      writeFileSync(stop, "");
      await p.close();
    }
  });

  it("stops following while the user drags the scrollbar up, and stays where the drag left it", async () => {
    const stop = join(mkdtempSync(join(tmpdir(), "dash-")), "stop");
    const script = `let i=0;const t=setInterval(()=>{for(let k=0;k<2;k++)console.log("drag "+i++);if(require("fs").existsSync(${JSON.stringify(stop)}))clearInterval(t)},50)`;
    const runId = await start(shellTasks([["drag", [], `"${process.execPath}" -e '${script}'`]]));
    // a browser that draws its scrollbars, as a desktop one does
    const drawing = await launchChromium({ scrollbars: true });
    const p = await (await offlineContext(drawing)).newPage();
    try {
      await p.goto(`${proxy.url}/runs/${runId}/tasks/drag`);
      const log = p.getByTestId("log");
      const state = () => p.getByTestId("log-follow").textContent();
      const geometry = () =>
        log.evaluate((el: HTMLElement) => ({
          top: el.scrollTop,
          end: el.scrollHeight - el.clientHeight,
          bar: el.offsetWidth - el.clientWidth - el.clientLeft,
        }));
      await expect.poll(() => log.locator("[data-stream]").count(), { timeout: 10_000 }).toBeGreaterThan(100);
      await expect.poll(async () => (await geometry()).end - (await geometry()).top < 8, { timeout: 5_000 }).toBe(true);
      const { bar } = await geometry();
      expect(bar).toBeGreaterThan(0);
      // the thumb sits at the bottom of the track while the view follows: take it there, pull it to the top
      const box = (await log.boundingBox())!;
      const x = box.x + box.width - bar / 2;
      await p.mouse.move(x, box.y + box.height - 24);
      await p.mouse.down();
      await p.mouse.move(x, box.y + 2, { steps: 8 });
      await expect.poll(state).toContain("paused");
      await p.mouse.up();
      // let go near the top, it stays there while lines keep coming
      const rest = (await geometry()).top;
      expect(rest).toBeLessThan((await geometry()).end / 2);
      await p.waitForTimeout(500);
      expect((await geometry()).top).toBe(rest);
      expect(await state()).toContain("paused");
      // (End, the Follow button and scrolling back to the end follow again: the tests around this one)
    } finally {
      writeFileSync(stop, "");
      await drawing.close();
    }
  });

  it("keeps the log where the user's wheel put it while lines stream fast; scrolling back to the end or End follows again", async () => {
    // 200 lines a second until the test is done with it (a file appears), then a last line with the count
    const stop = join(mkdtempSync(join(tmpdir(), "dash-")), "stop");
    const script = `let i=0;const t=setInterval(()=>{for(let k=0;k<2;k++)console.log("fast "+i++);if(require("fs").existsSync(${JSON.stringify(stop)})){clearInterval(t);console.log("fast "+i+" end")}},10)`;
    const runId = await start(shellTasks([["fast", [], `"${process.execPath}" -e '${script}'`]]));
    await page.goto(`${proxy.url}/runs/${runId}/tasks/fast`);
    const log = page.getByTestId("log");
    const lines = () => log.locator("[data-stream]").count();
    const atEnd = () => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 8);
    const top = () => log.evaluate((el) => el.scrollTop);
    const state = () => page.getByTestId("log-follow").textContent();
    await expect.poll(lines, { timeout: 10_000 }).toBeGreaterThan(200);
    await expect.poll(atEnd, { timeout: 5_000 }).toBe(true);
    // a script's scroll is not the user's: the view goes on following
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect.poll(atEnd).toBe(true);
    expect(await state()).toBe("following");
    await log.hover();
    await page.mouse.wheel(0, -400);
    await expect.poll(state).toContain("paused");
    // once the wheel's (smooth) scroll has come to rest, the view stays there for seconds of arriving lines
    let rest = -1;
    await expect.poll(async () => rest === (rest = await top()), { interval: 200, timeout: 10_000 }).toBe(true);
    expect(rest).toBeGreaterThan(0);
    const before = await lines();
    const seen = new Set<number>();
    for (let t = Date.now(); Date.now() - t < 3_000;) {
      seen.add(await top());
      await new Promise((r) => setTimeout(r, 50));
    }
    const arrived = (await lines()) - before;
    expect({ tops: [...seen], state: await state() }).toEqual({ tops: [rest], state: expect.stringContaining("paused") });
    expect(arrived).toBeGreaterThan(100);
    // the wheel back down to the end follows again
    await page.mouse.wheel(0, 1_000_000);
    await expect.poll(state).toBe("following");
    // up again, then End
    await page.mouse.wheel(0, -400);
    await expect.poll(state).toContain("paused");
    await log.focus();
    await page.keyboard.press("End");
    await expect.poll(state).toBe("following");
    writeFileSync(stop, "");
    const last = log.locator("[data-stream]", { hasText: "end" });
    await last.waitFor({ timeout: 30_000 });
    const total = Number(/fast (\d+) end/.exec((await last.textContent())!)![1]) + 1;
    await expect.poll(atEnd).toBe(true);
    // every line once, in order, or a visible drop where the page fell behind
    const texts = await log
      .locator("[data-stream]")
      .evaluateAll((els) => els.map((e) => Number(/fast (\d+)/.exec(e.textContent ?? "")?.[1])));
    expect(texts.every((n, k) => k === 0 || n > texts[k - 1]!)).toBe(true);
    expect(
      texts.length +
        (await log.locator(".dropped").evaluateAll((els) => els.reduce((n, e) => n + Number(/(\d+)/.exec(e.textContent ?? "")?.[1]), 0))),
    ).toBe(total);
  });

  it("marks a failed task skipped from its panel, and its dependent goes on", async () => {
    const runId = await start(
      shellTasks([
        ["broken", [], "exit 4"],
        ["next", ["broken"], "echo next"],
      ]),
      { continueOnError: true },
    );
    await s.app.engine.waitForRun(runId);
    await page.goto(`${proxy.url}/runs/${runId}/tasks/broken`);
    await expect.poll(() => page.getByTestId("task-status").textContent()).toContain("failed");
    await page.getByRole("button", { name: "Mark skipped" }).click();
    await expect.poll(() => page.getByTestId("task-answer").textContent()).toBe("Marked skipped");
    await expect.poll(() => page.getByTestId("task-status").textContent(), { timeout: 10_000 }).toContain("skipped");
    await expectStatus("SUCCEEDED");
    await expect.poll(() => page.locator('a[data-task="next"]').textContent()).toContain("succeeded");
  });

  it("shows dependencies outside the run's selection, in the graph and in the task panel, and the critical path", async () => {
    // task 1 is done in the file, so a run of 2 and 3 may leave it out
    const file = join(mkdtempSync(join(tmpdir(), "dash-")), "tasks.json");
    const tm = (id: number, status: string, dependencies: number[]) => ({
      id,
      title: `task ${id}`,
      description: `does ${id}`,
      status,
      dependencies,
      subtasks: [],
    });
    writeFileSync(file, JSON.stringify({ master: { tasks: [tm(1, "done", []), tm(2, "pending", [1]), tm(3, "pending", [2])] } }));
    const r = await s.gql(START, { input: { tasksFile: file, selection: "2-3", options: { executor: "fn", force: true } } });
    expect(r.body.errors ?? r.body.data.startRun).toMatchObject({ __typename: "StartRunPayload" });
    const runId = r.body.data.startRun.run.id as string;
    await s.app.engine.waitForRun(runId);
    await page.goto(`${proxy.url}/runs/${runId}/tasks/2`);
    const canvas = page.getByTestId("dag-canvas");
    await canvas.waitFor();
    expect(Number(await canvas.getAttribute("data-outside"))).toBeGreaterThan(0);
    expect(await canvas.getAttribute("data-critical")).toBe("2 3");
    expect(await page.locator(".task-panel .outside").textContent()).toContain("outside the selection: 1");
    expect(await page.locator(".task-panel .fields").textContent()).toContain("does 2");
  });

  it("takes a checkpoint, pauses, then resumes from the chosen checkpoint, each answer shown at once", async () => {
    const chain = Array.from({ length: 6 }, (_, i) => [`c${i}`, i ? [`c${i - 1}`] : [], "sleep 0.3"] as [string, string[], string]);
    const runId = await start(shellTasks(chain), { maxParallel: 1 });
    await page.goto(`${proxy.url}/runs/${runId}`);
    await expect.poll(() => page.locator('[data-count="succeeded"] strong').textContent(), { timeout: 10_000 }).not.toBe("0");
    await page.getByRole("button", { name: "Checkpoint" }).click();
    await expect.poll(() => page.getByTestId("control-answer").textContent()).toBe("Checkpoint taken");
    const [taken] = (await s.gql(`query ($id: ID!) { run(id: $id) { checkpoints { checkpointId reason } } }`, { id: runId })).body.data.run
      .checkpoints;
    expect(taken.reason).toBe("on demand");
    await page.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => page.getByTestId("control-answer").textContent()).toBe("Paused");
    await expectStatus("PAUSED");
    await page.getByTestId("checkpoint-select").selectOption(taken.checkpointId);
    await page.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => page.getByTestId("control-answer").textContent()).toBe("Resumed from the checkpoint");
    await expectStatus("SUCCEEDED");
    await expect.poll(() => page.getByTestId("progress-text").textContent()).toContain("6 / 6");
  });

  it("cancels a run", async () => {
    const runId = await start(shellTasks([["long", [], "sleep 30"]]), { cancelGraceMs: 200 });
    await page.goto(`${proxy.url}/runs/${runId}`);
    await expectStatus("RUNNING");
    await page.getByRole("button", { name: "Cancel run" }).click();
    await expect.poll(() => page.getByTestId("control-answer").textContent()).toBe("Cancelled");
    await expectStatus("CANCELLED");
    await expect.poll(() => page.getByRole("button", { name: "Cancel run" }).count()).toBe(0);
  });

  it("shows the connection lost when the WebSocket is cut, and catches up on reconnect with no gap or duplicate", async () => {
    const n = 16;
    const chain = Array.from({ length: n }, (_, i) => [`r${i}`, i ? [`r${i - 1}`] : [], "sleep 0.15"] as [string, string[], string]);
    const runId = await start(shellTasks(chain), { maxParallel: 1 });
    await page.goto(`${proxy.url}/runs/${runId}`);
    await expect.poll(() => page.locator('[data-count="succeeded"] strong').textContent(), { timeout: 10_000 }).not.toBe("0");
    expect(proxy.cut()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId("connection").getAttribute("data-state"), { timeout: 5_000 }).toBe("reconnecting");
    await expect.poll(() => page.getByTestId("connection").getAttribute("data-state"), { timeout: 15_000 }).toBe("connected");
    await expectStatus("SUCCEEDED");
    // every task's status came from events: a gap would leave one behind, a duplicate an extra attempt in the timeline
    await page.getByRole("tab", { name: "Tasks" }).click();
    await page.getByLabel("Status").selectOption("SUCCEEDED");
    await expect.poll(() => page.locator(".task-list .filters span").textContent()).toBe(`${n} of ${n}`);
    await page.getByRole("tab", { name: "Timeline" }).click();
    await expect.poll(() => page.locator(".timeline .hint").textContent()).toContain(`${n} attempts of ${n} tasks`);
  });

  it("draws a 10,000-task run's DAG on a canvas, grouped by level, in reasonable time", async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    s.tasks.set("t0", () => gate);
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({ id: `t${i}`, dependencies: i >= 100 ? [`t${i - 100}`] : [] }));
    const runId = await start(tasks, { executor: "fn", maxParallel: 1, force: true });
    try {
      const t0 = Date.now();
      await page.goto(`${proxy.url}/runs/${runId}`);
      await page.getByTestId("dag-canvas").waitFor();
      const ms = Date.now() - t0;
      const text = await page.locator(".dag .hint").textContent();
      expect(text).toContain("10000 tasks in 100 levels, grouped by level");
      const size = await page.getByTestId("dag-canvas").boundingBox();
      expect(size!.width).toBeGreaterThan(500);
      const marks = await page.evaluate(() => performance.getEntriesByType("measure").map((e) => `${e.name} ${e.duration.toFixed(0)} ms`));
      console.log(`10,000-task run page: DAG drawn ${ms} ms after navigation; ${marks.join(", ")}`);
      expect(ms).toBeLessThan(15_000);
      // a click on a square opens that task
      await page.getByTestId("dag-canvas").click({ position: { x: 16 + 4, y: 16 + 4 } });
      await page.waitForURL(`**/runs/${runId}/tasks/t0`);
      await page.getByTestId("task-panel").waitFor();
    } finally {
      await s.gql(`mutation ($id: ID!) { cancelRun(runId: $id) { __typename } }`, { id: runId });
      release();
    }
  });

  it("passes axe-core's WCAG A and AA checks on the runs list, a run page and a task panel", async () => {
    const runId = await start(shellTasks([["x", [], "echo x; echo y >&2; exit 1"]]));
    await s.app.engine.waitForRun(runId);
    for (const path of ["/", `/runs/${runId}`, `/runs/${runId}/tasks/x`]) {
      await page.goto(`${proxy.url}${path}`);
      await page
        .locator(path === "/" ? "[data-testid=runs]" : path.includes("tasks") ? "[data-stream]" : "[data-testid=dag-canvas]")
        .first()
        .waitFor();
      expect({ path, violations: await axeViolations(page) }).toEqual({ path, violations: [] });
    }
    await page.goto(`${proxy.url}/`);
    await page.getByText("Start a run").click();
    expect(await axeViolations(page)).toEqual([]);
    // keyboard: the tabs and the task list's links are reached with Tab
    await page.goto(`${proxy.url}/runs/${runId}`);
    await page.getByTestId("dag-canvas").waitFor();
    const reached = new Set<string>();
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press("Tab");
      reached.add(await page.evaluate(() => document.activeElement?.textContent?.trim().slice(0, 20) ?? ""));
    }
    expect([...reached]).toEqual(expect.arrayContaining(["Graph", "Timeline", "Tasks"]));
    expect(pageErrors.join("\n")).toBe("");
    expect(offsite).toEqual([]);
  });
});
