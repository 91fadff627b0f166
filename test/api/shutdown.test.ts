// Graceful shutdown in process: every subscription ends with "complete", SSE ones
// included, before their connections close; a mutation in flight when close() starts still
// gets its answer; a new one on a connection still open is refused; new
// connections are refused; subscriptions end with 1001. The mutation is held in
// flight by holding the database's commits, as a slow database would.
import { describe, expect, it, vi } from "vitest";
import { postgresReachable } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { inlineTasks, START, startTestServer } from "./support/server.js";

const kind = (await postgresReachable()) ? "postgres" : "pglite";

describe(`graceful shutdown (${kind})`, () => {
  it("lets in-flight mutations finish, refuses new ones and new connections, closes sockets with 1001", async () => {
    const s = await startTestServer(kind);
    s.tasks.set("t1", () => new Promise(() => {})); // runs until the engine stops
    const r = await s.gql(START, { input: { inline: inlineTasks(2, true), options: { executor: "fn", force: true } } });
    const runId = r.body.data.startRun.run.id;
    await eventually(async () => (await s.app.engine.progress(runId)).counts.running === 1);

    const client = s.ws();
    const wsClosed = new Promise<number>((resolve) => {
      client.on("closed", (e) => resolve((e as { code: number }).code));
      client.subscribe(
        { query: `subscription { runEvents(runId: "${runId}") { seq } }` },
        { next: () => {}, error: () => {}, complete: () => {} },
      );
    });
    await new Promise((res) => setTimeout(res, 200));

    // from now on commits wait: pauseRun, which answers once the pause is committed, stays in flight
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const store = s.app.engine.store;
    const commit = store.commit.bind(store);
    vi.spyOn(store, "commit").mockImplementation(async (batch) => {
      await held;
      return commit(batch);
    });
    let answered = false;
    const pausing = s
      .gql(`mutation { pauseRun(runId: "${runId}") { __typename ... on RunPayload { run { status } } } }`)
      .finally(() => (answered = true));
    await new Promise((res) => setTimeout(res, 100));
    expect(answered).toBe(false);

    let closed = false;
    const closing = s.api.close().then(() => (closed = true));
    await new Promise((res) => setTimeout(res, 100));
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    const late = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: `mutation { cancelRun(runId: "${runId}") { __typename } }` },
        { next: resolve, error: resolve, complete: () => {} },
      );
    });
    expect(late).toMatchObject({
      errors: [{ message: "shutting down: send it to another replica", extensions: { code: "SHUTTING_DOWN" } }],
    });
    expect(closed).toBe(false); // waits for pauseRun

    release();
    const answer = await pausing;
    expect(answer.status).toBe(200);
    expect(answer.body.data.pauseRun).toEqual({ __typename: "RunPayload", run: { status: "PAUSED" } });
    await closing;
    expect(await wsClosed).toBe(1001);
    await s.close();
    vi.restoreAllMocks();
  });
});

describe(`subscriptions at shutdown (${kind})`, () => {
  it("ends every SSE subscription with a complete event before the connection closes", async () => {
    const s = await startTestServer(kind);
    s.tasks.set("t1", () => new Promise(() => {}));
    const r = await s.gql(START, { input: { inline: inlineTasks(2, true), options: { executor: "fn", force: true } } });
    const runId = r.body.data.startRun.run.id;
    await eventually(async () => (await s.app.engine.progress(runId)).counts.running === 1);
    const queries = [
      `subscription { runEvents(runId: "${runId}") { seq } }`,
      `subscription { runsChanged { runId } }`,
      `subscription { runProgress(runId: "${runId}") { percent } }`,
    ];
    const streams = await Promise.all(
      queries.map((query) =>
        fetch(`${s.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "text/event-stream" },
          body: JSON.stringify({ query }),
        }),
      ),
    );
    await eventually(async () => (await s.metrics.activeSubscriptions.get()).values[0]!.value === 3);
    const closing = s.api.close();
    const endings = await Promise.all(
      streams.map(async (res) => {
        let text = "";
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += Buffer.from(chunk).toString();
        return text.trimEnd().split("\n\n").at(-1);
      }),
    );
    expect(endings).toEqual(["event: complete\ndata:", "event: complete\ndata:", "event: complete\ndata:"]);
    await closing;
    await s.close();
  });
});
