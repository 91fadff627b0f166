// Webhooks end to end on a real store: outbox rows written with the transitions,
// delivered signed (verified by the standardwebhooks verifier on a loopback receiver),
// retried with the same webhook-id while the endpoint is down, dead-lettered and
// replayed; private addresses refused.
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { silentLogger } from "../../src/engine/ports.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { send } from "../../src/notifications/outbound.js";
import { makeStore, postgresReachable, type TestStore } from "../support/databases.js";
import { delivered, startReceiver, until, type Receiver } from "./receiver.js";

const FAST = { allowPrivate: true, backoffBaseMs: 50, pollMs: 30, timeoutMs: 1_000 };

const failing = new InProcessExecutor(async (req) => {
  if (req.taskId.startsWith("bad")) throw new Error(`${req.taskId} broke`);
  if (req.taskId === "slow") await new Promise((r) => setTimeout(r, 2_500));
  return "ok";
});

async function openApp(store: TestStore, webhooks: Record<string, unknown> = {}, metricsRegistry?: Registry): Promise<App> {
  const app = await createApp({
    ...store.config,
    executors: { fn: () => failing },
    recover: false,
    logger: silentLogger,
    webhooks: { ...FAST, ...webhooks },
    ...(metricsRegistry ? { metricsRegistry } : {}),
  });
  await app.start();
  return app;
}

const runWith = async (app: App, tasks: unknown[]) => {
  const { runId } = await app.engine.startRun({
    source: inlineSource(tasks),
    options: { executor: "fn", continueOnError: true, retry: { retryLimit: 0 } },
  });
  await app.engine.waitForRun(runId);
  return runId;
};

describe.each(["pglite", "postgres"] as const)("webhooks on %s", (kind) => {
  let store: TestStore;
  let app: App;
  let rx: Receiver;
  let skip = false;
  const registry = new Registry();

  beforeAll(async () => {
    if (kind === "postgres" && !(await postgresReachable())) return void (skip = true);
    store = await makeStore(kind);
    app = await openApp(store, { maxAttempts: 20, stallAfterMs: 1_000 }, registry);
    rx = await startReceiver();
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await rx?.close();
    await store?.dispose();
  });

  it("endpoint down for a while then back: every notification delivered once per id, in order per run", async ({ skip: s }) => {
    if (skip) return s();
    const { endpoint, secret } = await app.webhooks.create({ url: rx.url, events: ["run.finished", "run.failed", "task.failed"] });
    rx.secret = secret;
    let down = true;
    rx.answer = () => (down ? 503 : 200);
    const runs = [await runWith(app, ["ok1", "bad1"]), await runWith(app, ["ok2"]), await runWith(app, ["bad2", "bad3"])];
    // each run's first notification is tried (the others wait behind it) and tried again
    await until(
      () => new Set(rx.received.filter((x) => x.status === 503).map((x) => x.runId)).size === 3 && rx.received.length >= 6,
      10_000,
      "tries while down",
    );
    down = false;
    await until(
      async () => (await app.webhooks.deliveries({ endpointId: endpoint.id, state: "pending", limit: 50 })).length === 0,
      15_000,
      "delivery",
    );
    const ok = delivered(rx);
    const ids = ok.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length); // once per id
    const all = await app.webhooks.deliveries({ endpointId: endpoint.id, limit: 50 });
    // run 1: task.failed, run.finished, run.failed; run 2: run.finished; run 3: 2 × task.failed, run.finished, run.failed
    expect(all).toHaveLength(8);
    expect(all.every((d) => d.state === "delivered")).toBe(true);
    expect(new Set(ids)).toEqual(new Set(all.map((d) => d.id)));
    // the same webhook-id on the failed tries and on the one that went through
    const failedIds = rx.received.filter((x) => x.status === 503).map((x) => x.id);
    expect(failedIds.length).toBeGreaterThan(0);
    for (const id of failedIds) expect(ids).toContain(id);
    for (const runId of runs) {
      const types = ok.filter((x) => x.runId === runId).map((x) => x.type);
      const lastTask = types.lastIndexOf("task.failed");
      if (lastTask >= 0) expect(lastTask).toBeLessThan(types.indexOf("run.finished"));
    }
    const r1 = ok.filter((x) => x.runId === runs[0]);
    expect(r1.map((x) => x.type)).toEqual(["task.failed", "run.finished", "run.failed"]);
    expect(r1[1]!.body.data).toMatchObject({ runId: runs[0], status: "completed_with_failures", source: "ids" });
    expect(r1[0]!.body.data).toMatchObject({ taskId: "bad1", error: expect.stringContaining("bad1 broke") });
    expect(rx.rejected).toBe(0);
    // each attempt is queryable
    const attempts = await app.webhooks.attempts([r1[0]!.id]);
    expect(attempts.at(-1)).toMatchObject({ statusCode: 200, error: null, nextAt: null });
    expect(attempts[0]).toMatchObject({ statusCode: 503, error: "HTTP 503" });
    expect(attempts[0]!.nextAt).toBeGreaterThan(attempts[0]!.at - 1_000);
    const metrics = await registry.getMetricsAsJSON();
    const attemptsMetric = metrics.find((m) => m.name === "conveyor_webhook_deliveries_total")!.values;
    expect(attemptsMetric.find((v) => v.labels.outcome === "delivered")?.value).toBe(8);
    expect(attemptsMetric.find((v) => v.labels.outcome === "failed")?.value).toBeGreaterThanOrEqual(3);
    await app.webhooks.delete(endpoint.id);
  }, 40_000);

  it("reports a run with no progress for the configured time as stalled, once", async ({ skip: s }) => {
    if (skip) return s();
    rx.received.length = 0;
    const { endpoint, secret } = await app.webhooks.create({ url: rx.url, events: ["run.stalled"] });
    rx.secret = secret;
    rx.answer = () => 200;
    const slow = await app.engine.startRun({ source: inlineSource(["slow"]), options: { executor: "fn" } });
    await until(() => delivered(rx).length === 1, 15_000, "run.stalled");
    await app.engine.waitForRun(slow.runId);
    expect(delivered(rx)[0]!.body).toMatchObject({ type: "run.stalled", data: { runId: slow.runId, stalledForMs: 1_000 } });
    await new Promise((r) => setTimeout(r, 300));
    expect(delivered(rx)).toHaveLength(1);
    expect(await app.webhooks.deliveries({ endpointId: endpoint.id, limit: 5 })).toHaveLength(1);
    await app.webhooks.delete(endpoint.id);
  }, 30_000);

  it("reports a run whose driver went away and that nobody took over as interrupted", async ({ skip: s }) => {
    if (skip) return s();
    rx.received.length = 0;
    const { endpoint, secret } = await app.webhooks.create({ url: rx.url, events: ["run.interrupted"], sources: ["i*s"] });
    const other = await app.webhooks.create({ url: rx.url, events: ["run.interrupted"], sources: ["tasks.json"] });
    rx.secret = secret;
    const runId = await runWith(app, ["ok5"]);
    // what a driver killed mid-run leaves: the run running under a lease that lapsed a while ago
    await app.db.sql.query(
      `UPDATE runs SET status = 'running', lease_owner = 'gone:1:x', lease_expires_at = now() - interval '1 minute' WHERE id = $1`,
      [runId],
    );
    await until(() => delivered(rx).length === 1, 15_000, "run.interrupted");
    expect(delivered(rx)[0]!.body).toMatchObject({ type: "run.interrupted", data: { runId, driver: "gone:1:x", source: "ids" } });
    expect(await app.webhooks.deliveries({ endpointId: other.endpoint.id, limit: 5 })).toEqual([]); // its source glob does not match
    await app.db.sql.query(`UPDATE runs SET status = 'succeeded', lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`, [runId]);
    await app.webhooks.delete(endpoint.id);
    await app.webhooks.delete(other.endpoint.id);
  }, 30_000);

  it("dead-letters after its tries and replays with redeliverWebhook, same webhook-id", async ({ skip: s }) => {
    if (skip) return s();
    rx.received.length = 0;
    await app.stop();
    app = await openApp(store, { maxAttempts: 2 });
    const { endpoint, secret } = await app.webhooks.create({ url: rx.url, events: ["run.finished"], tags: ["nightly"] });
    rx.secret = secret;
    rx.answer = () => 500;
    const runId = await runWith(app, ["ok3"]); // no tag: filtered out
    const tagged = await app.engine.startRun({ source: { ...inlineSource(["ok4"]), tag: "nightly" }, options: { executor: "fn" } });
    await app.engine.waitForRun(tagged.runId);
    await until(
      async () => (await app.webhooks.deliveries({ endpointId: endpoint.id, state: "dead", limit: 5 })).length === 1,
      10_000,
      "dead letter",
    );
    const [dead] = await app.webhooks.deliveries({ endpointId: endpoint.id, limit: 5 });
    expect(dead).toMatchObject({ runId: tagged.runId, state: "dead", tries: 2, nextAt: null });
    expect((await app.webhooks.deliveries({ runId, limit: 5 })).filter((d) => d.endpointId === endpoint.id)).toEqual([]);
    await expect(app.webhooks.redeliver("msg_nope")).rejects.toMatchObject({ code: "DELIVERY_NOT_FOUND" });
    rx.answer = () => 200;
    await app.webhooks.redeliver(dead!.id);
    await until(
      async () =>
        (await app.webhooks.get(endpoint.id)) !== null &&
        (await app.webhooks.deliveries({ endpointId: endpoint.id, state: "delivered", limit: 5 })).length === 1,
      10_000,
      "replay",
    );
    expect(delivered(rx)[0]!.id).toBe(dead!.id);
    expect((await app.webhooks.attempts([dead!.id])).map((a) => a.statusCode)).toEqual([500, 500, 200]);
    await app.webhooks.delete(endpoint.id);
  }, 30_000);
});

describe("outbound safety", () => {
  it("refuses loopback and private targets, literal or resolved, unless allowed", async () => {
    const rx = await startReceiver();
    try {
      const opts = { timeoutMs: 1_000, maxResponseBytes: 1024, allowPrivate: false };
      const literal = await send(rx.url, {}, "{}", opts);
      expect(literal).toMatchObject({ ok: false, statusCode: null, error: expect.stringContaining("127.0.0.1 is a loopback address") });
      // a name: the address it resolves to is checked, the one connected to
      const named = await send(rx.url.replace("127.0.0.1", "localhost"), {}, "{}", opts);
      expect(named).toMatchObject({
        ok: false,
        statusCode: null,
        error: expect.stringMatching(/refused: localhost resolves to .* loopback/),
      });
      for (const ip of ["10.1.2.3", "192.168.0.9", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]", "[fd00::1]"]) {
        expect((await send(`http://${ip}/x`, {}, "{}", opts)).error).toMatch(/^refused: /);
      }
      expect(rx.received).toHaveLength(0);
      rx.answer = () => 200;
      expect(await send(rx.url, {}, "{}", { ...opts, allowPrivate: true })).toMatchObject({ ok: false, statusCode: 401 }); // reached (unsigned)
    } finally {
      await rx.close();
    }
  });

  it("gives up on an endpoint that does not answer in time", async () => {
    const rx = await startReceiver();
    try {
      rx.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
      rx.answer = () => "hang";
      const { Webhook } = await import("standardwebhooks");
      const now = new Date();
      const sig = new Webhook(rx.secret).sign("msg_1", now, "{}");
      const headers = { "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": sig };
      const r = await send(rx.url, headers, "{}", { timeoutMs: 200, maxResponseBytes: 1024, allowPrivate: true });
      expect(r).toMatchObject({ ok: false, error: "timed out after 200 ms" });
      expect(r.latencyMs).toBeLessThan(1_000);
    } finally {
      await rx.close();
    }
  });
});
