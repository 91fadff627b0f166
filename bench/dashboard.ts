// D. The dashboard in headless Chromium (Debian's package, as the browser suites
// use it), against a server in this process on PostgreSQL, in-process tasks:
//  - a run of 10,000 tasks (100 levels of 100, held by a gate so it stays as it
//    is): from navigation to its page showing the run's status and progress
//    (first meaningful paint), to its DAG drawn, and the DAG's layout alone;
//    medians over a few full navigations;
//  - the same page while a run emits about 1,000 events/s (30 tasks of 50 ms at
//    a time): the main thread's busy share (Chromium's own count of the time
//    its renderer's main thread spent in tasks, DevTools' Performance.getMetrics
//    TaskDuration, over the wall time), and how far the settled count the page shows
//    is behind the server's committed one (sampled every 100 ms: the time since
//    the server first had the count the page shows, when it had more).
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { serverConfig } from "../src/api/config.js";
import { loadSettings } from "../src/config.js";
import { startApiServer, type ApiServer } from "../src/api/server.js";
import { createApp, type App } from "../src/app.js";
import { inlineSource } from "../src/core/taskmaster/index.js";
import { silentLogger } from "../src/engine/ports.js";
import { topics } from "../src/engine/topics.js";
import { InProcessExecutor } from "../src/executors/in-process.js";
import { freshStore, log, median, quantile, sleep } from "./support.js";

const CHROMIUM = process.env.CONVEYOR_TEST_CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface DashboardResult {
  tasks: number;
  paintMs: number;
  dagMs: number;
  layoutMs: number;
  eventsPerSec: number;
  busyShare: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

interface Gate {
  wait: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open = () => {};
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

const layered = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, dependencies: i >= 100 ? [`${prefix}${i - 100}`] : [] }));

async function pageTimes(page: Page, url: string): Promise<{ paint: number; dag: number; layout: number }> {
  await page.goto(url);
  await page.getByTestId("dag-canvas").waitFor({ timeout: 60_000 });
  return page.evaluate(() => {
    const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
    return {
      paint: at("conveyor:run-shown"),
      dag: at("conveyor:dag-drawn"),
      layout: performance.getEntriesByName("dag-layout")[0]?.duration ?? Number.NaN,
    };
  });
}

export async function measureDashboard(opts: { tasks: number; navigations: number; windowMs: number }): Promise<DashboardResult> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  const store = await freshStore("postgres");
  const gates = new Map<string, Gate>();
  const fn = new InProcessExecutor(async (req) => {
    const g = gates.get(req.taskId);
    if (g) await g.wait;
    else if (req.taskId.startsWith("e")) await sleep(50);
  });
  let app: App | undefined;
  let api: ApiServer | undefined;
  let browser: Browser | undefined;
  try {
    app = await createApp({ ...store.config, executors: { fn: () => fn }, logger: silentLogger, recover: false });
    api = await startApiServer({ app, logger: silentLogger }, serverConfig({ port: 0, tokens: [], host: "127.0.0.1" }, loadSettings({})));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    // 1. paint and layout of a 10,000-task run that holds still
    const hold = gate();
    gates.set("p0", hold);
    const still = await app.engine.startRun({
      source: inlineSource(layered(opts.tasks, "p")),
      options: { executor: "fn", maxParallel: 1, force: true },
    });
    await pageTimes(page, `${api.url}/runs/${still.runId}`); // warm-up: the server's first plans, the bundle's first parse
    const times: { paint: number; dag: number; layout: number }[] = [];
    for (let i = 0; i < opts.navigations; i++) times.push(await pageTimes(page, `${api.url}/runs/${still.runId}`));
    const paintMs = median(times.map((t) => t.paint));
    const dagMs = median(times.map((t) => t.dag));
    const layoutMs = median(times.map((t) => t.layout));
    log(
      `  dashboard: ${opts.tasks}-task run shown ${paintMs.toFixed(0)} ms after navigation, DAG drawn at ${dagMs.toFixed(0)} ms, layout ${layoutMs.toFixed(0)} ms`,
    );
    await app.engine.steer(still.runId, { action: "cancel", reason: "benchmark over" });
    hold.open();
    await app.engine.waitForRun(still.runId);

    // 2. the page while a run emits ~1,000 events/s
    const start = gate();
    gates.set("e0", start);
    const busy = await app.engine.startRun({
      source: inlineSource(layered(opts.tasks, "e")),
      options: { executor: "fn", maxParallel: 30, force: true },
    });
    const settledAt: number[] = [0]; // settledAt[k]: when the server had k settled tasks
    let events = 0;
    const off = app.engine.bus.subscribe(topics.runEvents(busy.runId), (batch) => {
      const now = performance.now() + performance.timeOrigin;
      for (const e of batch) {
        events++;
        if (e.type === "task.succeeded") settledAt.push(now);
      }
    });
    await page.goto(`${api.url}/runs/${busy.runId}`);
    await page.getByTestId("dag-canvas").waitFor({ timeout: 60_000 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const taskSeconds = async () =>
      (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration")?.value ?? Number.NaN;
    const busyBefore = await taskSeconds();
    const eventsBefore = events;
    const t0 = Date.now();
    start.open();
    const lags: number[] = [];
    while (Date.now() - t0 < opts.windowMs) {
      await sleep(100);
      const shown = await page.evaluate(() =>
        Number(/^(\d+)/.exec(document.querySelector("[data-testid=progress-text] strong")?.textContent?.trim() ?? "")?.[1] ?? 0),
      );
      const now = Date.now();
      // behind: the server had more than the page shows, since the moment it had shown + 1
      const next = settledAt[shown + 1];
      lags.push(next !== undefined && next < now ? now - next : 0);
    }
    const elapsed = Date.now() - t0;
    const busyMs = ((await taskSeconds()) - busyBefore) * 1000;
    // the count must see a task we know of, or a low share would mean nothing
    const calibrate = await taskSeconds();
    await page.evaluate(() => {
      const t = performance.now();
      while (performance.now() - t < 120);
    });
    const seen = ((await taskSeconds()) - calibrate) * 1000;
    if (!(seen >= 100)) throw new Error(`Chromium's TaskDuration did not count a 120 ms task (saw ${seen.toFixed(0)} ms)`);
    const eventsPerSec = ((events - eventsBefore) * 1000) / elapsed;
    off();
    log(
      `  dashboard under ${eventsPerSec.toFixed(0)} events/s: main thread busy ${((100 * busyMs) / elapsed).toFixed(1)} % of ${elapsed} ms, progress behind by p99 ${quantile(lags, 0.99).toFixed(0)} ms`,
    );
    await app.engine.steer(busy.runId, { action: "cancel", reason: "benchmark over" });
    await app.engine.waitForRun(busy.runId);
    return {
      tasks: opts.tasks,
      paintMs,
      dagMs,
      layoutMs,
      eventsPerSec,
      busyShare: busyMs / elapsed,
      lagP99Ms: quantile(lags, 0.99),
      lagMaxMs: Math.max(...lags),
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await api?.close().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    await store.dispose();
  }
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : "–");
const word = (ok: boolean) => (ok ? "**met**" : "**not met**");

export function renderDashboardTable(r: DashboardResult | undefined, errors: string[]): string {
  const rows: string[][] = [];
  if (r) {
    rows.push([
      `a ${r.tasks.toLocaleString("en-US")}-task run's page: its status and progress shown (first meaningful paint), from navigation`,
      ms(r.paintMs),
      "≤ 1.5 s",
      word(r.paintMs <= 1_500),
    ]);
    rows.push([`the same page: its DAG drawn, from navigation (tasks read as 20 pages over the socket)`, ms(r.dagMs), "", ""]);
    rows.push([
      `the DAG's layout of ${r.tasks.toLocaleString("en-US")} tasks (levels, positions, critical path)`,
      ms(r.layoutMs),
      "≤ 2 s",
      word(r.layoutMs <= 2_000),
    ]);
    rows.push([
      `main thread busy (Chromium's TaskDuration over wall time) while the run emits ${r.eventsPerSec.toFixed(0)} events/s`,
      `${(100 * r.busyShare).toFixed(1)} %`,
      "< 50 %",
      word(r.busyShare < 0.5),
    ]);
    rows.push([
      `settled count shown behind the server's, same time`,
      `p99 ${ms(r.lagP99Ms)}, max ${ms(r.lagMaxMs)}`,
      "≤ 500 ms",
      word(r.lagMaxMs <= 500),
    ]);
  }
  for (const e of errors) rows.push([`FAILED: ${e}`, "", "", ""]);
  return [
    "| dashboard (headless Chromium, PostgreSQL) | measured | target | verdict |",
    "|---|---|---|---|",
    ...rows.map((c) => `| ${c.join(" | ")} |`),
  ].join("\n");
}
