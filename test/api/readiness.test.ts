// Readiness means "send me traffic". A real `conveyor serve` on a private
// redis-server (its own port, started and killed here: the machine's shared
// Redis is never touched): while Redis is down the replica answers /readyz 200
// "degraded" and conveyor_degraded{reason="redis"} 1, and still serves queries
// from the database; once Redis is back, "ready" and 0. Without the database it
// is not ready (503).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/databases.js";
import { gql, serve, type Child } from "./support/process.js";
import { sleep, startTestServer } from "./support/server.js";

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedisServer) console.warn("\n!!! redis-server is not installed: the readiness-during-outage suite is SKIPPED\n");

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A throwaway redis-server on `port`, nothing persisted; resolves once it accepts connections. */
async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += String(d)));
  for (let i = 0; i < 100 && !/Ready to accept connections/.test(out); i++) await sleep(50);
  if (!/Ready to accept connections/.test(out)) throw new Error(`redis-server did not start:\n${out}`);
  return proc;
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGKILL");
  await exited;
}

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as any };
};
const degradedGauge = async (url: string) =>
  /conveyor_degraded\{reason="redis"\} (\d)/.exec(await (await fetch(`${url}/metrics`)).text())?.[1];

describe.skipIf(!hasRedisServer)("readiness during a real Redis outage", () => {
  let redis: ChildProcess;
  let server: Child & { url: string };
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    server = await serve({ CONVEYOR_DATA_DIR: tempDir(), REDIS_URL: `redis://127.0.0.1:${port}` }, [], 110_000);
  }, 120_000);
  afterAll(async () => {
    if (server) {
      server.proc.kill("SIGTERM");
      await Promise.race([server.exited, sleep(20_000)]);
      if (server.proc.exitCode === null) server.proc.kill("SIGKILL");
    }
    if (redis) await stop(redis);
  }, 60_000);

  it("ready with Redis up; degraded but 200 while it is down, still serving; ready again once it is back", async () => {
    expect(await readyz(server.url)).toEqual({ status: 200, body: { status: "ready" } });
    expect(await degradedGauge(server.url)).toBe("0");

    await stop(redis);
    let r = await readyz(server.url);
    for (let i = 0; i < 50 && r.body.status !== "degraded"; i++) r = await sleep(100).then(() => readyz(server.url));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "degraded", degraded: { redis: expect.any(String) } });
    expect(await degradedGauge(server.url)).toBe("1");
    // the replica still serves from the database
    expect(await gql(server.url, "{ runs(first: 1) { edges { cursor } } }")).toEqual({ data: { runs: { edges: [] } } });

    redis = await startRedis(port);
    for (let i = 0; i < 100 && r.body.status !== "ready"; i++) r = await sleep(100).then(() => readyz(server.url));
    expect(r).toEqual({ status: 200, body: { status: "ready" } });
    expect(await degradedGauge(server.url)).toBe("0");
  }, 60_000);
});

describe("readiness without the database", () => {
  it("is 503 NOT_READY, naming the database, and says which optional dependency is down too", async () => {
    let redisUp = false;
    const s = await startTestServer(
      "pglite",
      {},
      {
        degradedChecks: {
          redis: async () => {
            if (!redisUp) throw new Error("redis is reconnecting");
          },
        },
      },
    );
    try {
      expect(await readyz(s.url)).toEqual({ status: 200, body: { status: "degraded", degraded: { redis: "redis is reconnecting" } } });
      redisUp = true;
      expect(await readyz(s.url)).toEqual({ status: 200, body: { status: "ready" } });
      redisUp = false;
      await s.app.db.close();
      const down = await readyz(s.url);
      expect(down.status).toBe(503);
      expect(down.body.error).toMatchObject({
        code: "NOT_READY",
        message: expect.stringContaining("database unreachable"),
        degraded: { redis: "redis is reconnecting" },
      });
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200); // alive all the same
    } finally {
      await Promise.race([s.close().catch(() => undefined), sleep(5_000)]);
    }
  }, 60_000);
});
