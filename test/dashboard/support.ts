// What the dashboard's browser suites share: the bundle built from web/ (so a
// suite never tests a stale one), a TCP proxy in front of the server whose
// connections a test can cut (the page's WebSocket drops as on a network
// failure), axe-core run in the page, and inline runs.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, connect, type Server, type Socket } from "node:net";
import type { Page } from "playwright-core";

export function buildDashboard(): void {
  execFileSync(process.execPath, ["scripts/build-web.mjs"], { stdio: "inherit" });
}

export interface CuttableProxy {
  url: string;
  /** Destroys every open connection through the proxy (WebSockets included). */
  cut(): number;
  close(): Promise<void>;
}

export async function cuttableProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on("close", () => open.delete(s));
      s.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut: () => {
      const n = open.size;
      for (const s of open) s.destroy();
      return n;
    },
    close: () => {
      for (const s of open) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's violations on the page as it is (WCAG 2 A and AA rules); evaluated over DevTools, so the page's CSP does not stop it. */
export async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: string[] }[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
}

export const START = `mutation ($input: StartRunInput!) { startRun(input: $input) { __typename ... on StartRunPayload { run { id } } } }`;

/** Tasks for the local executor; each command made unique so that no result comes from the memo cache. */
export function shellTasks(commands: [id: string, deps: string[], command: string][]) {
  const nonce = `${Date.now()}-${Math.random()}`;
  return commands.map(([id, dependencies, command]) => ({ id, title: `task ${id}`, dependencies, command: `: ${nonce}; ${command}` }));
}
