// Headless Chromium for the browser suites: Debian's `chromium` package driven by
// playwright-core. Chromium is not an npm dependency, so a machine without it
// skips these suites with one loud line, except under CI=true, where that is a
// failure (.ci/run installs it). Flags: this machine's network is closed, and
// Chromium's background services would fill the logs with refused connections.
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env.CONVEYOR_TEST_CHROMIUM ?? "/usr/bin/chromium";

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** True when Chromium can be launched here; says loudly why not, or throws under CI. */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const why = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (process.env.CI === "true") throw new Error(`${why}: the ${suite} suite is required under CI`);
  console.warn(`\n!!! ${why}: the ${suite} suite is SKIPPED\n`);
  return false;
}

/** `scrollbars`: drawn as a desktop browser draws them (Playwright hides them in headless mode), for a test that drags one. */
export function launchChromium({ scrollbars = false } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    ...(scrollbars ? { ignoreDefaultArgs: ["--hide-scrollbars"] } : {}),
  });
}

/**
 * A browser context that cannot reach anything but loopback: every request to
 * another host is aborted, so a page that needs a CDN fails visibly here.
 * Not for CORS tests: with routing on, Playwright answers preflights itself.
 */
export async function offlineContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]" ? route.continue() : route.abort("internetdisconnected");
  });
  return context;
}
