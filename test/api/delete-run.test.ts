// Deleting a run through the API: the deleteRun mutation (write scope, typed errors)
// and REST DELETE /api/workflows/{id} (answers checked against openapi.json by the
// contract hook). A run still going is refused with a message saying why.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { inlineTasks, READ_TOKEN, startTestServer, TOKENS, WRITE_TOKEN, type TestServer } from "./support/server.js";

const kind = (await postgresReachable()) ? "postgres" : "pglite";

const DELETE = `mutation($id: ID!) { deleteRun(runId: $id) {
  __typename
  ... on DeleteRunPayload { runId tasks attempts eventPages checkpoints }
  ... on ApiError { message code }
  ... on InvalidTransition { from action }
} }`;

describe(`deleting runs through the API (${kind})`, () => {
  let s: TestServer;
  let release!: () => void;
  let running: string;

  beforeAll(async () => {
    s = await startTestServer(kind);
    const gate = new Promise<void>((r) => (release = r));
    s.tasks.set("slow", () => gate);
    const started = await s.gql(
      `mutation { startRun(input: { inline: ["slow"], options: { executor: "fn", force: true } }) { ... on StartRunPayload { run { id } } } }`,
    );
    running = started.body.data.startRun.run.id;
    await eventually(async () => (await s.app.engine.store.getRun(running))?.status === "running");
  });
  afterAll(async () => {
    release?.();
    await s?.close();
  });

  const finishedRun = async () => {
    const r = await fetch(`${s.url}/api/workflows/multi-task`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tasks: inlineTasks(3, true), executor: "fn", force: true }),
    });
    const id = ((await r.json()) as { workflow_id: string }).workflow_id;
    await s.app.engine.waitForRun(id);
    return id;
  };

  it("deleteRun removes a finished run and reports its rows; the run is then not found", async () => {
    const id = await finishedRun();
    const r = await s.gql(DELETE, { id });
    expect(r.body.data.deleteRun).toEqual({
      __typename: "DeleteRunPayload",
      runId: id,
      tasks: 3,
      attempts: 3,
      eventPages: expect.any(Number),
      checkpoints: expect.any(Number),
    });
    expect(r.body.data.deleteRun.eventPages).toBeGreaterThan(0);
    const after = await s.gql(`query($id: ID!) { run(id: $id) { id } }`, { id });
    expect(after.body.data.run).toBeNull();
    expect((await s.gql(DELETE, { id })).body.data.deleteRun).toMatchObject({ __typename: "RunNotFound", code: "RUN_NOT_FOUND" });
  });

  it("deleteRun refuses a running run, saying so, and leaves it running", async () => {
    const r = await s.gql(DELETE, { id: running });
    expect(r.body.data.deleteRun).toEqual({
      __typename: "InvalidTransition",
      code: "INVALID_TRANSITION",
      from: "running",
      action: "delete",
      message: `cannot delete run ${running}: it is running; only finished runs can be deleted (cancel it, or let it finish, first)`,
    });
    expect((await s.app.engine.store.getRun(running))?.status).toBe("running");
  });

  it("REST DELETE /api/workflows/{id}: 200 with the rows, 404 after, 409 for a running run, 405 for another method", async () => {
    const id = await finishedRun();
    const del = await fetch(`${s.url}/api/workflows/${id}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({
      workflow_id: id,
      deleted: { tasks: 3, attempts: 3, event_pages: expect.any(Number), checkpoints: expect.any(Number) },
    });
    const again = await fetch(`${s.url}/api/workflows/${id}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("RUN_NOT_FOUND");
    const refused = await fetch(`${s.url}/api/workflows/${running}`, { method: "DELETE" });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /it is running; only finished runs can be deleted/,
    );
    const get = await fetch(`${s.url}/api/workflows/${running}`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("DELETE");
    await get.text();
  });
});

describe("deleting needs the write scope", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("pglite", { tokens: TOKENS });
  });
  afterAll(() => s?.close());

  it("a read token is refused on the mutation and on REST DELETE", async () => {
    const r = await s.gql(DELETE, { id: "any" }, READ_TOKEN);
    expect(r.body.errors?.[0]).toMatchObject({ message: "this operation needs the write scope", extensions: { code: "FORBIDDEN" } });
    const del = await fetch(`${s.url}/api/workflows/any`, { method: "DELETE", headers: { authorization: `Bearer ${READ_TOKEN}` } });
    expect(del.status).toBe(403);
    await del.text();
    const ok = await fetch(`${s.url}/api/workflows/any`, { method: "DELETE", headers: { authorization: `Bearer ${WRITE_TOKEN}` } });
    expect(ok.status).toBe(404);
    await ok.text();
  });
});
