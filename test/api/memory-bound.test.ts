// Memory is bounded by configuration, not by callers. A real `conveyor serve`
// with a 256 MB heap (--max-old-space-size=256) gets 1,000 distinct large
// queries (every twentieth about 1 MB, the others ~100 KB, each ~1,500 tokens):
// with Yoga's default caches (1,024 documents of any size, ~500 bytes of AST per
// token, ~0.9 MB a query here) it ran out of heap after ~300; with the caches
// bounded in bytes (CONVEYOR_API_PARSE_CACHE_BYTES, 32 MiB) it answers every one
// and its RSS ends under RSS_BOUND_MB: the 256 MB heap, plus what the embedded
// PGlite (WASM memory) and, run from source, tsx hold outside it (measured here
// from source: ~920 MB just after start, ~575 MB at the end).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/databases.js";
import { serve, type Child } from "./support/process.js";

const QUERIES = 1_000;
const RSS_BOUND_MB = 768;

/** A distinct query: `aliases` fields (3 tokens each) and a comment padding it to about `bytes`. */
function largeQuery(i: number, aliases: number, bytes: number): string {
  const fields = Array.from({ length: aliases }, (_, j) => `q${i}_${j}: __typename`).join(" ");
  const pad = Math.max(0, bytes - fields.length - 40);
  return `# ${String(i).padStart(6, "0")}${"x".repeat(pad)}\n{ ${fields} }`;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

describe("memory under distinct large queries", () => {
  let server: Child & { url: string };
  beforeAll(async () => {
    server = await serve({ CONVEYOR_DATA_DIR: tempDir(), NODE_OPTIONS: "--max-old-space-size=256" }, [], 110_000);
  }, 120_000);
  afterAll(async () => {
    server?.proc.kill("SIGKILL");
    await server?.exited;
  });

  it(`${QUERIES} distinct large queries: every one answered, the server up, RSS ends under ${RSS_BOUND_MB} MB`, async () => {
    const pid = server.proc.pid!;
    const before = rssMb(pid);
    const statuses = new Map<number, number>();
    let next = 0;
    let peak = before;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < QUERIES) {
          const i = next++;
          const query = largeQuery(i, 500, i % 20 === 0 ? 1_000_000 : 100_000);
          const res = await fetch(`${server.url}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ query }),
          });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (i % 100 === 0) peak = Math.max(peak, rssMb(pid));
        }
      }),
    );
    const after = rssMb(pid);
    console.log(
      `RSS: ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB peak (sampled), ${after.toFixed(0)} MB after ${QUERIES} queries`,
    );
    expect(Object.fromEntries(statuses)).toEqual({ 200: QUERIES });
    expect(server.proc.exitCode).toBeNull();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(after).toBeLessThan(RSS_BOUND_MB);
  }, 600_000);
});
