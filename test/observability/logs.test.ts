// The JSON logs (pino, as `conveyor serve` writes them): every committed run and
// task transition once, with its run id, sequence number, task id and attempt;
// every HTTP request with its correlation id (the client's x-request-id, or one
// made up and sent back); an unexpected error logged under the id its client got.
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { postgresReachable } from "../support/databases.js";
import { openTestEngine } from "../support/engine.js";
import { startTestServer } from "../api/support/server.js";

const kind = (await postgresReachable()) ? "postgres" : "pglite";

type Line = Record<string, unknown> & { msg: string; level: number };

/** A pino logger at `info` whose JSON lines are kept in memory. */
function capture() {
  const lines: Line[] = [];
  let partial = "";
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop()!;
      for (const p of parts) if (p) lines.push(JSON.parse(p) as Line);
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

describe(`logs (${kind})`, () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it("logs every committed transition once, with run id, sequence, task id and attempt", async () => {
    const { logger, lines } = capture();
    const t = await openTestEngine(kind, { logger });
    closers.push(() => t.close());
    let calls = 0;
    t.tasks.set("flaky", () => {
      if (++calls === 1) throw new Error("first attempt fails");
      return "ok";
    });
    const { runId } = await t.engine.startRun({
      source: inlineSource([{ id: "flaky" }, { id: "after", dependencies: ["flaky"] }]),
      options: { executor: "fn", force: true, retry: { retryLimit: 1, baseDelayMs: 1 } },
    });
    await t.engine.waitForRun(runId);
    const stored = await t.engine.store.readEvents(runId, 0, 1_000);
    const logged = lines.filter((l) => l.runId === runId);
    expect(logged.map((l) => [l.seq, l.msg])).toEqual(stored.map((e) => [e.seq, e.type]));
    for (const l of logged.filter((x) => x.msg.startsWith("task."))) expect(l.taskId).toEqual(expect.any(String));
    const attempts = logged.filter((l) => l.msg === "task.started" && l.taskId === "flaky").map((l) => l.attempt);
    expect(attempts).toEqual([1, 2]);
    expect(logged.find((l) => l.msg === "task.retrying")).toMatchObject({ taskId: "flaky", attempt: 1 });
    expect(logged.find((l) => l.msg === "run.finished")).toMatchObject({ status: "succeeded" });
  });

  it("logs each request with its correlation id, and an unexpected error under the id its client got", async () => {
    const { logger, lines } = capture();
    const s = await startTestServer(kind, {}, { logger });
    closers.push(() => s.close());
    await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-given-1" },
      body: JSON.stringify({ query: "{ activeRuns { id } }" }),
    });
    const made = await fetch(`${s.url}/healthz`);
    const madeId = made.headers.get("x-request-id");
    expect(madeId).toMatch(/^[0-9a-f-]{36}$/);
    // an unexpected failure: the store fails under a query
    const store = s.app.engine.store;
    store.listRuns = async () => {
      throw new Error("secret database detail");
    };
    const failed = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-failed-1" },
      body: JSON.stringify({ query: "{ activeRuns { id } }" }),
    });
    expect(((await failed.json()) as { errors: { extensions: { requestId: string } }[] }).errors[0]!.extensions.requestId).toBe(
      "req-failed-1",
    );
    await new Promise((res) => setTimeout(res, 50)); // "finish" runs after the response is written
    const requests = lines.filter((l) => l.msg === "request");
    expect(requests).toContainEqual(expect.objectContaining({ requestId: "req-given-1", method: "POST", path: "/graphql", status: 200 }));
    expect(requests).toContainEqual(expect.objectContaining({ requestId: madeId, method: "GET", path: "/healthz", status: 200 }));
    const error = lines.find((l) => l.msg === "unexpected error");
    expect(error).toMatchObject({ requestId: "req-failed-1", level: 50 });
    expect(String(error!.err)).toContain("secret database detail"); // in the log, never in the answer
  });
});
