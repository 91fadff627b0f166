// The dashboard on a server with tokens: the page asks for one, keeps it in
// sessionStorage, sends it in the Authorization header and in graphql-ws's
// connection_init; a refused token is said so; a read token sees no control.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium, offlineContext } from "../support/browser.js";
import { READ_TOKEN, startTestServer, TOKENS, WRITE_TOKEN, type TestServer } from "../api/support/server.js";
import { axeViolations, buildDashboard, shellTasks, START } from "./support.js";

describe.runIf(chromiumAvailable("dashboard tokens"))("dashboard with API tokens (headless Chromium)", () => {
  let s: TestServer;
  let browser: Browser;
  let runId: string;

  beforeAll(async () => {
    buildDashboard();
    [s, browser] = await Promise.all([startTestServer("pglite", { tokens: TOKENS }), launchChromium()]);
    const r = await s.gql(
      START,
      { input: { inline: shellTasks([["bad", [], "echo no >&2; exit 1"]]), options: { executor: "local", retry: { retryLimit: 0 } } } },
      WRITE_TOKEN,
    );
    runId = r.body.data.startRun.run.id;
    await s.app.engine.waitForRun(runId);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function signIn(token: string): Promise<{ page: Page; headers: (string | undefined)[]; frames: string[] }> {
    const context = await offlineContext(browser);
    const page = await context.newPage();
    const headers: (string | undefined)[] = [];
    const frames: string[] = [];
    page.on("request", (r) => r.url().endsWith("/graphql") && r.method() === "POST" && headers.push(r.headers().authorization));
    page.on("websocket", (ws) => ws.on("framesent", (f) => frames.push(String(f.payload))));
    await page.goto(`${s.url}/runs/${runId}/tasks/bad`);
    await page.getByTestId("token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    return { page, headers, frames };
  }

  it("asks for a token, says when it is refused, and keeps a good one in sessionStorage for the tab", async () => {
    const { page } = await signIn("not-a-token");
    await page.getByRole("alert").filter({ hasText: "The token was refused" }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId("token").fill(READ_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("run-status").waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("conveyor.token"))).toBe(READ_TOKEN);
    await page.reload();
    await page.getByTestId("run-status").waitFor();
    await page.context().close();
  });

  it("a read token: the run, its task and its log, and no control anywhere", async () => {
    const { page, headers, frames } = await signIn(READ_TOKEN);
    await page.getByTestId("task-panel").waitFor();
    await page.locator('[data-stream="STDERR"]', { hasText: "no" }).waitFor();
    await expect.poll(() => page.getByTestId("connection").getAttribute("data-state")).toBe("connected");
    expect(await page.getByRole("heading", { name: "Controls" }).count()).toBe(0);
    for (const name of ["Resume", "Cancel run", "Retry task", "Mark done", "Mark skipped"])
      expect(await page.getByRole("button", { name }).count()).toBe(0);
    expect(await page.getByText("read only").count()).toBe(1);
    // the token went in the Authorization header and in connection_init
    // (the first request, sent before there was a token, is the one that learned one was needed)
    expect(headers[0]).toBeUndefined();
    expect(headers.length).toBeGreaterThan(1);
    expect(new Set(headers.slice(1))).toEqual(new Set([`Bearer ${READ_TOKEN}`]));
    const inits = frames
      .map((f) => JSON.parse(f) as { type: string; payload?: { authorization?: string } })
      .filter((m) => m.type === "connection_init");
    // the socket opened before sign-in had none (and was refused); the one after carries it
    expect(inits.at(-1)?.payload?.authorization).toBe(`Bearer ${READ_TOKEN}`);
    await page.goto(`${s.url}/`);
    await page.getByTestId("runs").waitFor();
    expect(await page.getByText("Start a run").count()).toBe(0);
    await page.context().close();
  });

  it("a write token: the controls the run allows", async () => {
    const { page } = await signIn(WRITE_TOKEN);
    await page.getByTestId("task-panel").waitFor();
    await page.getByRole("button", { name: "Retry task" }).waitFor();
    await page.getByRole("button", { name: "Resume" }).waitFor();
    await page.context().close();
  });
});
