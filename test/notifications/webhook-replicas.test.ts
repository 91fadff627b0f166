// Webhooks across processes, on PostgreSQL and the embedded store: a process killed with SIGKILL after the commit,
// in the middle of the send, has its delivery sent after a restart (same webhook-id);
// two replicas on one PostgreSQL database send each delivery once, never both.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { silentLogger } from "../../src/engine/ports.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { newSecret } from "../../src/notifications/secret.js";
import { makeStore, postgresReachable, type TestStore } from "../support/databases.js";
import { delivered, startReceiver, until, type Receiver } from "./receiver.js";
import { TEST_NODE_FLAGS } from "../support/node-flags.js";

const FAST = { allowPrivate: true, backoffBaseMs: 50, pollMs: 30, timeoutMs: 500 };
const ok = new InProcessExecutor(() => "ok");

interface Child {
  proc: ChildProcess;
  /** Resolves with the first output line matching `re`. */
  line(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
}

function child(mode: "run" | "send", env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [...TEST_NODE_FLAGS, "--import", "tsx", "test/notifications/webhook-child.ts"], {
    env: { ...process.env, ...env, WEBHOOK_CHILD: mode },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(proc);
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  return {
    proc,
    line: async (re, timeoutMs) => {
      let m: RegExpExecArray | null = null;
      await until(
        () =>
          (m =
            out
              .split("\n")
              .map((l) => re.exec(l))
              .find((x) => x !== null) ?? null) !== null,
        timeoutMs,
        `${re} from a child`,
      );
      return m!;
    },
  };
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** A child that committed a run's end and is sending its notification is killed; a restart sends it. */
async function killDuringSend(store: TestStore, rx: Receiver, apps: App[]): Promise<void> {
  const secret = newSecret();
  rx.secret = secret;
  const endpoint = { id: "crash-hook", url: rx.url, events: ["run.finished"], secret };
  let hung = 0;
  rx.answer = () => (hung++, "hang");
  const c = child("run", {
    ...(store.config.databaseUrl ? { DATABASE_URL: store.config.databaseUrl } : { CONVEYOR_DATA_DIR: store.config.dataDir! }),
    CONVEYOR_WEBHOOKS: JSON.stringify([endpoint]),
    CONVEYOR_WEBHOOK_ALLOW_PRIVATE: "true",
    CONVEYOR_WEBHOOK_TIMEOUT: "2s",
    CONVEYOR_WEBHOOK_POLL: "50ms",
  });
  const exited = new Promise((r) => c.proc.on("exit", r));
  const runId = (await c.line(/^RUN (\S+)$/, 30_000))[1]!;
  await until(() => hung === 1, 30_000, "the child to send");
  c.proc.kill("SIGKILL");
  await exited;
  rx.answer = () => 200;
  // the restarted process: the same configured endpoint, a timeout that keeps its lease short
  const app = await createApp({
    ...store.config,
    executors: { fn: () => ok },
    recover: false,
    logger: silentLogger,
    webhooks: {
      ...FAST,
      endpoints: [{ ...endpoint, events: ["run.finished"], managedBy: "config", description: null, sources: [], tags: [] }],
    },
  });
  apps.push(app);
  await app.start();
  await until(() => delivered(rx).length === 1, 20_000, "delivery after the restart");
  // the answer came; its attempt is recorded a moment later
  await until(
    async () => (await app.webhooks.deliveries({ endpointId: "crash-hook", state: "delivered", limit: 5 })).length === 1,
    5_000,
    "the attempt recorded",
  );
  const [d] = await app.webhooks.deliveries({ endpointId: "crash-hook", limit: 5 });
  expect(d).toMatchObject({ runId, state: "delivered", type: "run.finished" });
  expect(delivered(rx)[0]!.id).toBe(d!.id);
  // the request the killed process sent (never answered) and the resend carry the same webhook-id
  expect(rx.received.map((x) => [x.id, x.status])).toEqual([
    [d!.id, 0],
    [d!.id, 200],
  ]);
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
    for (const a of apps.splice(0)) await a.stop(); // the crash test's sender: only the two replicas send here
    const env = {
      DATABASE_URL: store.config.databaseUrl!,
      CONVEYOR_WEBHOOK_ALLOW_PRIVATE: "true",
      CONVEYOR_WEBHOOK_POLL: "30ms",
      CONVEYOR_WEBHOOK_TIMEOUT: "5s",
    };
    const replicas = [child("send", env), child("send", env)];
    const owners = await Promise.all(replicas.map(async (r) => (await r.line(/^READY (\S+)$/, 30_000))[1]!));
    // runs end here, in a process that sends nothing: the replicas send it all
    const app = await createApp({ ...store.config, executors: { fn: () => ok }, recover: false, logger: silentLogger, webhooks: FAST });
    apps.push(app);
    const { endpoint, secret } = await app.webhooks.create({ url: rx.url, events: ["run.finished"] });
    rx.secret = secret;
    // slow answers, so that both replicas have deliveries in flight at once
    rx.answer = () => 200;
    rx.delayMs = 100;
    const runs = [];
    for (let i = 0; i < 12; i++) {
      const { runId } = await app.engine.startRun({ source: inlineSource([`t${i}`]), options: { executor: "fn" } });
      runs.push(runId);
    }
    await Promise.all(runs.map((id) => app.engine.waitForRun(id)));
    await until(
      async () => (await app.webhooks.deliveries({ endpointId: endpoint.id, state: "delivered", limit: 50 })).length === 12,
      30_000,
      "12 deliveries",
    );
    await new Promise((r) => setTimeout(r, 300)); // a second send, had there been one, arrives meanwhile
    for (const r of replicas) r.proc.kill("SIGKILL");
    const ids = delivered(rx).map((x) => x.id);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    expect(new Set(delivered(rx).map((x) => x.runId))).toEqual(new Set(runs));
    const all = await app.webhooks.deliveries({ endpointId: endpoint.id, limit: 50 });
    const senders = (await app.webhooks.attempts(all.map((d) => d.id))).map((x) => x.sentBy);
    expect(senders).toHaveLength(12); // one attempt each
    expect(new Set(senders)).toEqual(new Set(owners)); // both replicas sent some
  }, 60_000);
});
