// The REST API through a client generated from its OpenAPI document: openapi-fetch
// over the types openapi-typescript writes from openapi.json (clients/rest-api.ts),
// as a user's generated client would be. Every answer is also checked against the
// document by the suite's fetch hook (test/support/rest-contract-hook.ts). One
// scenario: a run with dependencies, followed, checkpointed, paused, resumed from
// its checkpoint, its logs read; another cancelled and deleted; typed errors.
import createClient from "openapi-fetch";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { paths } from "../../clients/rest-api.js";
import { restClientTypes } from "../../scripts/rest-client-types.js";
import { sleep, startTestServer, type TestServer } from "../api/support/server.js";

let s: TestServer;
let api: ReturnType<typeof createClient<paths>>;

beforeAll(async () => {
  s = await startTestServer("pglite");
  api = createClient<paths>({ baseUrl: s.url });
}, 60_000);

afterAll(async () => {
  await s?.close();
});

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`condition not met in time: ${JSON.stringify(v)}`);
    await sleep(20);
  }
}

const chain = [{ id: "a" }, { id: "b", dependencies: ["a"] }, { id: "c", dependencies: ["b"] }];

describe("openapi-fetch over the generated types", () => {
  it("the generated types are those of today's openapi.json", async () => {
    expect(readFileSync(new URL("../../clients/rest-api.ts", import.meta.url), "utf8")).toBe(await restClientTypes());
  });

  it("starts a run with dependencies, checkpoints, pauses, resumes from the checkpoint, and reads the logs", async () => {
    const held = gate();
    s.tasks.set("b", async () => {
      await held.opened;
      return "b done";
    });
    try {
      const started = await api.POST("/api/workflows/multi-task", { body: { tasks: chain, executor: "fn", force: true } });
      expect(started.response.status).toBe(201);
      const id = started.data!.workflow_id;
      expect(started.data).toMatchObject({ total: 3, status: "running" });

      const progress = () => api.GET("/api/workflows/{id}/progress", { params: { path: { id } } }).then((r) => r.data!);
      const running = await eventually(progress, (p) => p.running_tasks.some((t) => t.task_id === "b"));
      expect(running.counts).toMatchObject({ succeeded: 1, running: 1, pending: 1 });

      const checkpoint = await api.PUT("/api/workflows/{id}/checkpoint", { params: { path: { id } } });
      expect(checkpoint.response.status).toBe(201);
      const checkpointId = checkpoint.data!.checkpoint_id;

      const paused = await api.POST("/api/workflows/{id}/pause", { params: { path: { id } } });
      expect(paused.response.status).toBe(202);
      held.open();
      await s.app.engine.waitForRun(id);
      const state = await api.GET("/api/workflows/{id}/state", { params: { path: { id } } });
      expect(state.data).toMatchObject({ status: "paused", counts: { succeeded: 2, pending: 1 } });

      const resumed = await api.POST("/api/workflows/{id}/resume", { params: { path: { id } }, body: { checkpoint_id: checkpointId } });
      expect(resumed.response.status).toBe(202);
      const done = await eventually(progress, (p) => p.status === "succeeded");
      expect(done).toMatchObject({ percent: 100, total: 3, settled: 3, counts: { succeeded: 3 } });

      const logs = await api.GET("/api/workflows/{id}/tasks/{taskId}/logs", { params: { path: { id, taskId: "b" } }, parseAs: "text" });
      expect(logs.response.status).toBe(200);
      expect(logs.response.headers.get("x-conveyor-attempt")).toBe("2"); // b ran again from the checkpoint
    } finally {
      held.open();
      s.tasks.delete("b");
    }
  });

  it("cancels a run, then deletes it", async () => {
    const held = gate();
    s.tasks.set("a", () => held.opened);
    try {
      const started = await api.POST("/api/workflows/multi-task", { body: { tasks: chain, executor: "fn", force: true } });
      const id = started.data!.workflow_id;
      const cancel = await api.POST("/api/workflows/{id}/cancel", { params: { path: { id } }, body: { reason: "not today" } });
      expect(cancel.response.status).toBe(202);
      expect(["cancelling", "cancelled"]).toContain(cancel.data!.status);
      await s.app.engine.waitForRun(id);
      const state = await api.GET("/api/workflows/{id}/state", { params: { path: { id } } });
      expect(state.data!.status).toBe("cancelled");

      const deleted = await api.DELETE("/api/workflows/{id}", { params: { path: { id } } });
      expect(deleted.response.status).toBe(200);
      const gone = await api.GET("/api/workflows/{id}/state", { params: { path: { id } } });
      expect([gone.response.status, gone.error?.error.code]).toEqual([404, "RUN_NOT_FOUND"]);
    } finally {
      held.open();
      s.tasks.delete("a");
    }
  });

  it("meets typed errors: a misspelled option named as sent, with the nearest name", async () => {
    const bad = await api.POST("/api/workflows/multi-task", { body: { tasks: chain, executor: "fn", max_paralel: 2 } as never });
    expect(bad.response.status).toBe(400);
    expect(bad.error!.error).toMatchObject({ code: "INVALID_OPTION", field: "max_paralel", suggestion: "max_parallel" });
    const unknown = await api.GET("/api/workflows/{id}/progress", { params: { path: { id: "no-such-run" } } });
    expect([unknown.response.status, unknown.error?.error.code]).toEqual([404, "RUN_NOT_FOUND"]);
  });
});
