// Webhooks across processes, on PostgreSQL and the embedded store: a process killed with SIGKILL after the commit,
// in the middle of the send, has its delivery sent after a restart (same webhook-id);
// two replicas on one PostgreSQL database send each delivery once, never both.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { silentLogger } from "../../src/engine/ports.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { newSecret } from "../../src/notifications/secret.js";
import { makeStore, postgresReachable, type TestStore } from "../support/databases.js";
import { delivered, startReceiver, until, type Receiver } from "./receiver.js";

const FAST = { allowPrivate: true, backoffBaseMs: 50, pollMs: 30, timeoutMs: 500 };
const ok = new InProcessExecutor(() => "ok");

/** A child that committed a run's end and is sending its notification is killed; a restart sends it. */
async function killDuringSend(store: TestStore, rx: Receiver, apps: App[]): Promise<void> {
  const secret = newSecret();
  rx.secret = secret;
  rx.answer = () => "hang";
  const endpoint = { id: "crash-hook", url: rx.url, events: ["run.finished"], secret };
  const child = spawn(process.execPath, ["--import", "tsx", "test/notifications/webhook-child.ts"], {
    env: {
      ...process.env,
      ...(store.config.databaseUrl ? { DATABASE_URL: store.config.databaseUrl } : { CONVEYOR_DATA_DIR: store.config.dataDir! }),
      CONVEYOR_WEBHOOKS: JSON.stringify([endpoint]),
      CONVEYOR_WEBHOOK_ALLOW_PRIVATE: "true",
      CONVEYOR_WEBHOOK_TIMEOUT: "2s",
      CONVEYOR_WEBHOOK_POLL: "50ms",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => child.on("exit", r));
  let hung = 0;
  rx.answer = () => (hung++, "hang");
  await until(() => hung === 1 && out.includes("RUN "), 30_000, "the child to send");
  child.kill("SIGKILL");
  await exited;
  const runId = /RUN (\S+)/.exec(out)![1]!;
  rx.answer = () => 200;
  // the restarted process: the same configured endpoint, a timeout that keeps its lease short
  const app = await createApp({ ...store.config, executors: { fn: () => ok }, recover: false, logger: silentLogger, webhooks: { ...FAST, endpoints: [{ ...endpoint, events: ["run.finished"], managedBy: "config", description: null, sources: [], tags: [] }] } });
  apps.push(app);
  await app.start();
  await until(() => delivered(rx).length === 1, 20_000, "delivery after the restart");
  // the answer came; its attempt is recorded a moment later
  await until(async () => (await app.webhooks.deliveries({ endpointId: "crash-hook", state: "delivered", limit: 5 })).length === 1, 5_000, "the attempt recorded");
  const [d] = await app.webhooks.deliveries({ endpointId: "crash-hook", limit: 5 });
  expect(d).toMatchObject({ runId, state: "delivered", type: "run.finished" });
  expect(delivered(rx)[0]!.id).toBe(d!.id);
  // the request the killed process sent (never answered) and the resend carry the same webhook-id
  expect(rx.received.map((x) => [x.id, x.status])).toEqual([[d!.id, 0], [d!.id, 200]]);
  expect((await app.webhooks.attempts([d!.id])).map((a) => a.sentBy)).toEqual([app.engine.owner]);
}

describe("webhooks across processes on the embedded store", () => {
  it("a kill -9 after the commit, during the send: delivered after a restart with the same webhook-id", async () => {
    const store = await makeStore("pglite");
    const rx = await startReceiver();
    const apps: App[] = [];
    try {
      await killDuringSend(store, rx, apps);
    } finally {
      for (const a of apps) await a.stop();
      await rx.close();
      await store.dispose();
    }
  }, 90_000);
});

describe("webhooks across processes on postgres", () => {
  let store: TestStore;
  let rx: Receiver;
  let skip = false;
  const apps: App[] = [];

  beforeAll(async () => {
    if (!(await postgresReachable())) return void (skip = true);
    store = await makeStore("postgres");
    rx = await startReceiver();
  }, 30_000);
  afterAll(async () => {
    for (const a of apps) await a.stop();
    await rx?.close();
    await store?.dispose();
  });

  it("a kill -9 after the commit, during the send: delivered after a restart with the same webhook-id", async ({ skip: s }) => {
    if (skip) return s();
    await killDuringSend(store, rx, apps);
  }, 60_000);

  it("two replicas: each delivery is sent by one of them, not both", async ({ skip: s }) => {
    if (skip) return s();
    rx.received.length = 0;
    const b = await createApp({ ...store.config, executors: { fn: () => ok }, recover: false, logger: silentLogger, webhooks: { ...FAST, maxInFlight: 2 } });
    apps.push(b);
    const a = apps[0]!;
    await b.start();
    const { endpoint, secret } = await a.webhooks.create({ url: rx.url, events: ["run.finished", "task.failed"] });
    rx.secret = secret;
    rx.answer = () => 200;
    // replica b learns of an endpoint created through a within its poll interval (30 ms here)
    await new Promise((r) => setTimeout(r, 300));
    const runs = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const app = i % 2 ? a : b;
        const { runId } = await app.engine.startRun({ source: inlineSource([`t${i}`]), options: { executor: "fn" } });
        await app.engine.waitForRun(runId);
        return runId;
      }),
    );
    await until(async () => (await a.webhooks.deliveries({ endpointId: endpoint.id, state: "delivered", limit: 50 })).length === 12, 30_000, "12 deliveries");
    await new Promise((r) => setTimeout(r, 300)); // a second send, had there been one, arrives meanwhile
    const ids = delivered(rx).map((x) => x.id);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    expect(new Set(delivered(rx).map((x) => x.runId))).toEqual(new Set(runs));
    const all = await a.webhooks.deliveries({ endpointId: endpoint.id, limit: 50 });
    const senders = (await a.webhooks.attempts(all.map((d) => d.id))).map((x) => x.sentBy);
    expect(senders).toHaveLength(12);
    expect(new Set(senders).size).toBe(2); // both replicas sent some
  }, 60_000);
});
