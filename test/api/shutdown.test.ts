// Graceful shutdown in process: a mutation in flight when close() starts still
// gets its answer; new connections are refused; subscriptions end with 1001.
import { describe, expect, it } from "vitest";
import { postgresReachable } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { inlineTasks, START, startTestServer } from "./support/server.js";

const kind = (await postgresReachable()) ? "postgres" : "pglite";

describe(`graceful shutdown (${kind})`, () => {
  it("lets in-flight mutations finish, refuses new requests, closes sockets with 1001", async () => {
    const s = await startTestServer(kind);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    s.tasks.set("t1", () => gate);
    const r = await s.gql(START, { input: { inline: inlineTasks(2, true), options: { executor: "fn", force: true } } });
    const runId = r.body.data.startRun.run.id;
    await eventually(async () => (await s.app.engine.progress(runId)).counts.running === 1);

    const wsClosed = new Promise<number>((resolve) => {
      const client = s.ws();
      client.on("closed", (e) => resolve((e as { code: number }).code));
      client.subscribe({ query: `subscription { runEvents(runId: "${runId}") { seq } }` }, { next: () => {}, error: () => {}, complete: () => {} });
    });
    await new Promise((res) => setTimeout(res, 200));
    // pauseRun answers once the pause is committed: when the running task ends
    const pausing = s.gql(`mutation { pauseRun(runId: "${runId}") { __typename ... on RunPayload { run { status } } } }`);
    await new Promise((res) => setTimeout(res, 100));
    const closing = s.api.close();
    await new Promise((res) => setTimeout(res, 100));
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    release();
    const answer = await pausing;
    expect(answer.status).toBe(200);
    expect(answer.body.data.pauseRun).toEqual({ __typename: "RunPayload", run: { status: "PAUSED" } });
    await closing;
    expect(await wsClosed).toBe(1001);
    await s.close();
  });
});
