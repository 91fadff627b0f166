// Saves a PNG of each dashboard page into docs/screenshots/ (`npm run screenshots`):
// a server on port 0 over a fresh embedded store runs the demo project, and
// headless Chromium (test/support/browser.ts) takes the pictures the README shows.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startTestServer } from "../test/api/support/server.js";
import { launchChromium, offlineContext } from "../test/support/browser.js";

const out = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
const demo = fileURLToPath(new URL("../examples/demo", import.meta.url));
const START = `mutation ($input: StartRunInput!) { startRun(input: $input) { __typename ... on StartRunPayload { run { id } } } }`;

mkdirSync(out, { recursive: true });
const s = await startTestServer("pglite");
const browser = await launchChromium();
try {
  const start = async (input: Record<string, unknown>) => {
    const r = await s.gql(START, { input });
    if (!r.body.data?.startRun?.run) throw new Error(`start failed: ${JSON.stringify(r.body)}`);
    return r.body.data.startRun.run.id as string;
  };
  const options = {
    executor: "local",
    maxParallel: 4,
    force: true,
    command: `${demo}/do-task.sh {id}`,
    cwd: demo,
    retry: { baseDelayMs: 500 },
  };
  const full = await start({ tasksFile: demo, options });
  await s.app.engine.waitForRun(full);
  const part = await start({ tasksFile: demo, selection: "5-10", options });
  const context = await offlineContext(browser);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 860 });
  const shot = async (name: string) => {
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${out}${name}.png` });
    console.log(`${out}${name}.png`);
  };
  await page.goto(`${s.url}/runs/${part}`);
  await page.getByTestId("dag-canvas").waitFor();
  await page.waitForTimeout(1_500);
  await shot("run-live");
  await s.app.engine.waitForRun(part);
  await page.goto(`${s.url}/`);
  await page.getByTestId("runs").waitFor();
  await shot("runs");
  await page.goto(`${s.url}/runs/${full}`);
  await page.getByTestId("dag-canvas").waitFor();
  await shot("run-graph");
  await page.getByRole("tab", { name: "Timeline" }).click();
  await shot("run-timeline");
  await page.goto(`${s.url}/runs/${full}/tasks/5`);
  await page.locator("[data-stream]").first().waitFor();
  await page.getByRole("button", { name: "Show log of attempt 1" }).click();
  await page.locator("[data-stream=STDERR]").first().waitFor();
  await shot("task-panel");
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  s.tasks.set("t0", () => gate);
  const big = await start({
    inline: Array.from({ length: 10_000 }, (_, i) => ({
      id: `t${i}`,
      dependencies: i >= 100 ? [`t${i - 100}`, ...(i % 7 === 0 && i >= 200 ? [`t${i - 150}`] : [])] : [],
    })),
    options: { executor: "fn", maxParallel: 1, force: true },
  });
  await page.goto(`${s.url}/runs/${big}`);
  await page.getByTestId("dag-canvas").waitFor();
  await shot("dag-10000");
  await s.gql(`mutation ($id: ID!) { cancelRun(runId: $id) { __typename } }`, { id: big });
  release();
} finally {
  await browser.close();
  await s.close();
}
