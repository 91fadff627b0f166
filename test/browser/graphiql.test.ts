// GraphiQL in headless Chromium with no network but loopback: the page, its
// scripts, styles and editor workers come from the server itself, run under
// its Content-Security-Policy without a violation, introspection within the
// limits fills the Docs panel, and a subscription's events (over WebSocket)
// appear in the result pane.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chromiumAvailable, launchChromium, offlineContext } from "../support/browser.js";
import { inlineTasks, START, startTestServer, type TestServer } from "../api/support/server.js";

describe.runIf(chromiumAvailable("GraphiQL"))("GraphiQL offline in Chromium", () => {
  let s: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let runId: string;
  const problems: string[] = [];
  const outside: string[] = [];

  beforeAll(async () => {
    [s, browser] = await Promise.all([startTestServer("pglite"), launchChromium()]);
    const r = await s.gql(START, { input: { inline: inlineTasks(3, true), options: { executor: "fn", force: true } } });
    runId = r.body.data.startRun.run.id;
    await s.app.engine.waitForRun(runId);
    context = await offlineContext(browser);
    context.on(
      "request",
      (req) =>
        void (
          new URL(req.url()).host === new URL(s.url).host ||
          req.url().startsWith("blob:") ||
          req.url().startsWith("data:") ||
          outside.push(req.url())
        ),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await context.newPage();
    page.on("console", (m) => void (m.type() === "error" && problems.push(m.text())));
    page.on("pageerror", (e) => problems.push(String(e)));
    const answer = await page.goto(`${s.url}${path}`);
    expect(answer!.status()).toBe(200);
    expect(answer!.headers()["content-security-policy"]).toMatch(/script-src 'sha256-[^']+'/);
    await page.locator(".graphiql-container").first().waitFor({ timeout: 20_000 });
    return page;
  }

  it("is titled, lists Query.run in its Docs panel, and shows a subscription's events", async () => {
    const subscription = `subscription { runEvents(runId: "${runId}") { seq type } }`;
    const page = await open(`/graphql?query=${encodeURIComponent(subscription)}`);
    expect(await page.title()).toBe("Conveyor");

    await page.getByRole("button", { name: /show documentation explorer/i }).click();
    await page.locator(".graphiql-doc-explorer").getByText("Query", { exact: true }).first().click();
    await expect.poll(() => page.locator(".graphiql-doc-explorer").innerText(), { timeout: 15_000 }).toMatch(/\brun\b/);
    expect(await page.locator(".graphiql-doc-explorer-field-name").allInnerTexts()).toContain("run");

    // the pane shows the latest result: the run's last event, once every one before it has come
    const { lastSeq } = (await s.gql(`{ run(id: "${runId}") { lastSeq } }`)).body.data.run;
    await page.locator(".graphiql-execute-button").click();
    await expect
      .poll(() => page.locator(".graphiql-response").innerText(), { timeout: 15_000 })
      .toMatch(new RegExp(`"seq":\\s${lastSeq}\\b`)); // the editor renders spaces as no-break spaces
    expect(await page.locator(".graphiql-response").innerText()).toMatch(/"type":\s"run\./);
    expect(problems).toEqual([]);
    expect(outside).toEqual([]);
  });

  it("opens with the example operations, one per tab, a subscription among them", async () => {
    await context.clearCookies();
    const page = await open("/graphql");
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.locator(".graphiql-container").first().waitFor();
    const tabs = await page.locator(".graphiql-tab").allInnerTexts();
    expect(tabs.map((t) => t.trim())).toEqual(expect.arrayContaining(["Runs", "StartRun", "FollowRun", "Progress"]));
    expect(problems).toEqual([]);
  });
});
