// The composition root (src/root.ts) as `serve` and embedders use it: the API server
// on the engine it builds, Redis when asked, and a stop in the right order: a mutation
// in flight when stop() begins still gets its answer, then the engine stops and the
// store closes. A server that cannot listen leaves nothing open behind it.
import { afterAll, describe, expect, it, vi } from "vitest";
import { RefusedToListenError } from "../../src/api/server.js";
import { loadSettings } from "../../src/config.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { createConveyor } from "../../src/root.js";
import { pgliteStore } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { inlineTasks, START } from "./support/server.js";

const store = pgliteStore();
afterAll(() => store.dispose());
const settings = loadSettings({ CONVEYOR_DATA_DIR: store.config.dataDir!, CONVEYOR_LOG_LEVEL: "warn" });

async function gql(url: string, query: string, variables?: unknown) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
}

describe("createConveyor", () => {
  it("refuses to listen without tokens off loopback, and closes what it opened (the store opens again at once)", async () => {
    const conveyor = await createConveyor({ settings, api: { host: "0.0.0.0", port: 0 } });
    await expect(conveyor.start()).rejects.toBeInstanceOf(RefusedToListenError);
    expect(conveyor.server).toBeUndefined();
    await expect(conveyor.app.db.sql.query("SELECT 1")).rejects.toThrow();
    // no API: a CLI command's shape; the store's folder lock was released above
    const bare = await createConveyor({ settings });
    expect((await bare.start()).recovered).toEqual([]);
    expect([bare.server, bare.events]).toEqual([undefined, "memory"]);
    await bare.stop();
  });

  it("serves the API on its engine with Redis events, and stops the server (a mutation in flight is answered) before the engine and the store", async () => {
    const never = new InProcessExecutor(() => new Promise(() => {}));
    const conveyor = await createConveyor({
      settings,
      api: { host: "127.0.0.1", port: 0 },
      redisUrl: "redis://127.0.0.1:6379",
      executors: { fn: () => never },
    });
    await conveyor.start();
    const url = conveyor.server!.url;
    expect(conveyor.events).toBe("redis");
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const started = await gql(url, START, { input: { inline: inlineTasks(1), options: { executor: "fn", force: true } } });
    const runId = started.data!.startRun.run.id as string;
    await eventually(async () => (await conveyor.app.engine.progress(runId)).counts.running === 1);

    // commits wait from now on, so pauseRun (answered once its pause is committed) is in flight when stop() begins
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const engineStore = conveyor.app.engine.store;
    const commit = engineStore.commit.bind(engineStore);
    vi.spyOn(engineStore, "commit").mockImplementation(async (batch) => {
      await held;
      return commit(batch);
    });
    const pausing = gql(url, `mutation { pauseRun(runId: "${runId}") { __typename ... on RunPayload { run { status } } } }`);
    await new Promise((res) => setTimeout(res, 100));
    const stopping = conveyor.stop();
    await new Promise((res) => setTimeout(res, 100));
    release();
    expect((await pausing).data).toEqual({ pauseRun: { __typename: "RunPayload", run: { status: "PAUSED" } } });
    await stopping;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await expect(conveyor.app.db.sql.query("SELECT 1")).rejects.toThrow();
    await conveyor.stop(); // a second stop is the first one's
  });
});
