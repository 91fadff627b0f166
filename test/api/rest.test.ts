// The REST endpoints on a real server: each status code, the same services as
// GraphQL underneath, and the OpenAPI document describing exactly these routes.
// Every answer here is also checked against openapi.json (test/support/rest-contract-hook.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { contractProblem } from "../support/openapi-contract.js";
import { openApiDocument, printedOpenApi } from "../../src/api/rest/openapi.js";
import { postgresReachable } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { inlineTasks, startTestServer, type TestServer } from "./support/server.js";

const kind = (await postgresReachable()) ? "postgres" : "pglite";

describe(`REST /api/workflows (${kind})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(() => s.close());

  const call = async (method: string, path: string, body?: unknown, raw?: string) => {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body !== undefined || raw !== undefined ? { body: raw ?? JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as any,
      text,
      headers: res.headers,
    };
  };
  const start = (body: Record<string, unknown>) =>
    call("POST", "/api/workflows/multi-task", { tasks: inlineTasks(5), executor: "fn", force: true, ...body });

  it("starts a run from a task list with snake_case options and reports progress and state", async () => {
    const r = await start({ task_list: ["t1", "t2", "t3"], max_parallel: 2, continue_on_error: true, retry: { retry_limit: 0 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: expect.any(String), total: 3, warnings: [] });
    const id = r.body.workflow_id;
    expect(r.headers.get("location")).toBe(`/api/workflows/${id}/state`);
    await s.app.engine.waitForRun(id);
    const progress = await call("GET", `/api/workflows/${id}/progress`);
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({
      workflow_id: id,
      status: "succeeded",
      percent: 100,
      total: 3,
      settled: 3,
      counts: { succeeded: 3, running: 0 },
      running_tasks: [],
      eta_seconds: 0,
    });
    expect(progress.body).not.toHaveProperty("eta_ms"); // one ETA, in seconds
    const state = await call("GET", `/api/workflows/${id}/state`);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({
      workflow_id: id,
      status: "succeeded",
      total: 3,
      counts: { succeeded: 3, running: 0 },
      options: { max_parallel: 2, continue_on_error: true },
    });
    expect(state.body.tasks.map((t: any) => [t.id, t.status])).toEqual([
      ["t1", "succeeded"],
      ["t2", "succeeded"],
      ["t3", "succeeded"],
    ]);
    // times are ISO 8601 everywhere, the run's and its tasks'
    const times = [
      state.body.created_at,
      state.body.started_at,
      state.body.finished_at,
      state.body.updated_at,
      ...state.body.tasks.flatMap((t: any) => [t.started_at, t.finished_at]),
    ];
    for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(state.body.finished_at)).toBeGreaterThanOrEqual(Date.parse(state.body.started_at));
  });

  it("task_range selects numbered tasks of a tasks file on the server", async () => {
    const file = new URL("../../examples/demo/.taskmaster/tasks/tasks.json", import.meta.url).pathname;
    const r = await call("POST", "/api/workflows/multi-task", { tasks_file: file, task_range: "1-2", executor: "fn", force: true });
    expect(r.status).toBe(201);
    expect(r.body.total).toBe(2);
    await s.app.engine.waitForRun(r.body.workflow_id);
    const state = await call("GET", `/api/workflows/${r.body.workflow_id}/state`);
    expect(state.body.source).toMatchObject({ origin: file, selection: "1-2", warnings: expect.any(Array) });
  });

  it("checkpoints, pauses, resumes and cancels with the right statuses", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    for (let i = 1; i <= 5; i++) s.tasks.set(`t${i}`, () => gate);
    const { body } = await start({ max_parallel: 1 });
    const id = body.workflow_id;
    await eventually(async () => (await s.app.engine.progress(id)).counts.running === 1);
    // as committed: a moment after the engine's own view
    let running = await call("GET", `/api/workflows/${id}/progress`);
    await eventually(async () => (running = await call("GET", `/api/workflows/${id}/progress`)).body.counts.running === 1);
    expect(running.body).toMatchObject({ counts: { running: 1 }, running_tasks: [{ task_id: "t1", elapsed_ms: expect.any(Number) }] });
    const cp = await call("PUT", `/api/workflows/${id}/checkpoint`);
    expect(cp.status).toBe(201);
    expect(cp.body.checkpoint_id).toEqual(expect.any(String));
    const pausing = call("POST", `/api/workflows/${id}/pause`);
    setTimeout(release, 300);
    expect(await pausing).toMatchObject({ status: 202, body: { workflow_id: id, status: "paused" } });
    expect((await call("POST", `/api/workflows/${id}/pause`)).status).toBe(409); // not running now
    const unknownCp = await call("POST", `/api/workflows/${id}/resume`, { checkpoint_id: "no-such-checkpoint" });
    expect([unknownCp.status, unknownCp.body.error.code]).toEqual([404, "CHECKPOINT_NOT_FOUND"]);
    expect((await s.app.engine.store.getRun(id))!.status).toBe("paused");
    // back to the checkpoint, taken while t1 ran: t1 finished since, and runs again from it
    const resumed = await call("POST", `/api/workflows/${id}/resume`, { checkpoint_id: cp.body.checkpoint_id });
    expect(resumed.status).toBe(202);
    expect(["running", "succeeded"]).toContain(resumed.body.status); // its tasks are instant: it may be done already
    await s.app.engine.waitForRun(id);
    const attempts = await s.app.engine.store.listAttempts(id);
    const perTask = [0, 1, 2, 3, 4].map((i) => attempts.filter((a) => a.index === i).length);
    expect(perTask).toEqual([2, 1, 1, 1, 1]);
    expect((await call("POST", `/api/workflows/${id}/resume`)).status).toBe(409); // succeeded runs stay so
    const cancel = await call("POST", `/api/workflows/${id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toMatchObject({
      code: "INVALID_TRANSITION",
      from: "succeeded",
      request_id: cancel.headers.get("x-request-id"),
    });
    for (let i = 1; i <= 5; i++) s.tasks.delete(`t${i}`);

    let free!: () => void;
    s.tasks.set("t1", () => new Promise<void>((r) => (free = r)));
    const slow = await start({ max_parallel: 1, cancel_grace_ms: 0 });
    await eventually(async () => (await s.app.engine.progress(slow.body.workflow_id)).counts.running === 1);
    const c = await call("POST", `/api/workflows/${slow.body.workflow_id}/cancel`, { reason: "enough" });
    expect(c.status).toBe(202);
    free();
    expect((await s.app.engine.waitForRun(slow.body.workflow_id)).status).toBe("cancelled");
    s.tasks.delete("t1");
  });

  it("answers bad input with 400 and the reason, unknown runs with 404", async () => {
    const bad = await start({ task_range: "1-3,x" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "INVALID_SELECTION", part: "x" });
    expect(bad.text).not.toMatch(/[A-Z][A-Za-z]*Error\b/); // the public code, never the class that raised it
    expect(bad.body.error).not.toHaveProperty("name");
    const cycle = await call("POST", "/api/workflows/multi-task", {
      tasks: [
        { id: "a", dependencies: ["b"] },
        { id: "b", dependencies: ["a"] },
      ],
      executor: "fn",
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.code).toBe("DEPENDENCY_CYCLE");
    expect(cycle.body.error.cycle).toEqual(expect.arrayContaining(["a", "b"]));
    const option = await start({ max_parallel: "many" });
    expect(option.status).toBe(400);
    expect(option.body.error).toMatchObject({ code: "INVALID_OPTION", field: "max_parallel" });
    const unknownOption = await start({ colour: "blue" });
    expect(unknownOption.status).toBe(400);
    expect(unknownOption.body.error.message).toContain("colour");
    expect((await call("POST", "/api/workflows/multi-task", undefined, "{not json")).body.error.code).toBe("MALFORMED_JSON");
    expect((await call("POST", "/api/workflows/multi-task", undefined, "{not json")).status).toBe(400);
    expect((await call("POST", "/api/workflows/multi-task", [1, 2])).status).toBe(400);
    for (const [tail, raw] of [
      ["multi-task", "null"],
      ["r/resume", "null"],
      ["r/cancel", "null"],
      ["r/resume", "[1]"],
      ["r/cancel", "7"],
      ["r/cancel", '"x"'],
    ]) {
      const r = await call("POST", `/api/workflows/${tail}`, undefined, raw);
      expect([tail, raw, r.status, r.body.error.message]).toEqual([tail, raw, 400, "the body must be a JSON object"]);
    }
    expect((await call("POST", "/api/workflows/multi-task", { task_list: "1-3", tasks: inlineTasks(1) })).status).toBe(400);
    for (const [method, tail] of [
      ["GET", "progress"],
      ["GET", "state"],
      ["PUT", "checkpoint"],
      ["POST", "resume"],
      ["POST", "pause"],
      ["POST", "cancel"],
    ] as const) {
      const r = await call(method, `/api/workflows/no-such-run/${tail}`);
      expect([method, tail, r.status, r.body.error.code]).toEqual([method, tail, 404, "RUN_NOT_FOUND"]);
    }
    expect((await call("GET", "/api/workflows/x/nothing")).status).toBe(404);
    const del = await call("DELETE", "/api/workflows/x/state");
    expect([del.status, del.body.error.code, del.headers.get("allow")]).toEqual([405, "METHOD_NOT_ALLOWED", "GET"]);
    const get = await call("GET", "/api/workflows/multi-task");
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    for (const path of ["/healthz", "/readyz", "/api/openapi.json", "/metrics"])
      expect([path, (await call("POST", path, {})).status]).toEqual([path, 405]);
    expect((await call("GET", "/api/workflows/%E0%A4%A/state")).status).toBe(400);
  });

  it("refuses bodies over the limit with 413", async () => {
    const r = await call("POST", "/api/workflows/multi-task", undefined, JSON.stringify({ tasks: "x".repeat(1_100_000) }));
    expect(r.status).toBe(413);
  });

  it("names an option as the request spelled it, suggesting the one it is near", async () => {
    const typo = await start({ max_paralel: 2 });
    expect([typo.status, typo.body.error]).toEqual([
      400,
      expect.objectContaining({ code: "INVALID_OPTION", field: "max_paralel", suggestion: "max_parallel" }),
    ]);
    expect(typo.body.error.message).toBe("max_paralel: unknown option; did you mean max_parallel?");
    expect(typo.text).not.toContain("maxParalel");
    const nested = await start({ options: { retry: { retry_limt: 1 } } });
    expect(nested.body.error).toMatchObject({ field: "options.retry.retry_limt", suggestion: "options.retry.retry_limit" });
    const far = await start({ colour: "blue" });
    expect(far.body.error).toMatchObject({ field: "colour", message: "colour: unknown option" });
    expect(far.body.error).not.toHaveProperty("suggestion");
    // a known option with a bad value, wherever it was given
    expect((await start({ options: { max_parallel: 0 } })).body.error).toMatchObject({
      code: "INVALID_OPTION",
      field: "options.max_parallel",
    });
    expect((await start({ retry: { retry_limit: -1 } })).body.error).toMatchObject({ field: "retry.retry_limit" });
    expect((await start({ maxParallel: "x" })).body.error).toMatchObject({ field: "maxParallel" });
    expect((await start({ max_parallel: 2, options: { max_parallel: 3 } })).body.error).toMatchObject({
      field: "options.max_parallel",
      message: expect.stringContaining("given twice"),
    });
    // the services' own names for the source become the request's
    expect((await start({ task_list: ["t1"], task_range: "1-2" })).body.error).toMatchObject({ field: "task_range" });
    expect((await start({ tasks_file: "/nowhere/tasks.json" })).body.error).toMatchObject({ field: "tasks" }); // and inline tasks
    const noFile = await call("POST", "/api/workflows/multi-task", { tasks_file: "/nowhere/tasks.json", executor: "fn" });
    expect([noFile.status, noFile.body.error.field]).toEqual([400, "tasks_file"]);
    expect((await start({ executor: "nope" })).body.error).toMatchObject({ field: "executor" });
    expect((await start({ sync_status: true })).body.error).toMatchObject({ field: "sync_status" });
  });

  it("serves the committed openapi.json, listing exactly the routes served", async () => {
    const r = await call("GET", "/api/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    expect(r.body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    // npm run openapi writes it; npm run lint checks it with Redocly
    expect(readFileSync(new URL("../../openapi.json", import.meta.url), "utf8")).toBe(printedOpenApi());
    const routes = Object.entries(r.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(routes.sort()).toEqual(
      [
        "POST /api/workflows/multi-task",
        "DELETE /api/workflows/{id}",
        "GET /api/workflows/{id}/progress",
        "GET /api/workflows/{id}/state",
        "PUT /api/workflows/{id}/checkpoint",
        "POST /api/workflows/{id}/resume",
        "POST /api/workflows/{id}/pause",
        "POST /api/workflows/{id}/cancel",
        "GET /api/workflows/{id}/tasks/{taskId}/logs",
        "GET /api/openapi.json",
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
      ].sort(),
    );
    // every documented route answers (404 for the unknown id, never "no route")
    for (const route of routes) {
      const [method, path] = route.split(" ") as [string, string];
      const res = await call(
        method,
        path.replace("{id}", "no-such-run"),
        method === "POST" && path.endsWith("multi-task") ? {} : undefined,
      );
      expect([route, res.body.error?.code]).not.toEqual([route, "NOT_FOUND"]);
    }
  });

  it("health, readiness and metrics", async () => {
    expect(await call("GET", "/healthz")).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(await call("GET", "/readyz")).toMatchObject({ status: 200, body: { status: "ready" } });
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/conveyor_runs_started_total \d+/);
    expect(Number(/conveyor_runs_finished_total\{status="succeeded"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(Number(/conveyor_tasks_finished_total\{status="succeeded"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(5);
    expect(metrics).toMatch(/conveyor_task_duration_seconds_count\{status="succeeded"\} \d+/);
    expect(metrics).toMatch(/conveyor_checkpoints_total\{reason="final"\} \d+/);
    // every checkpoint is timed, whatever took it: the PUT above, and each run's final one
    expect(metrics).toMatch(/conveyor_checkpoint_duration_seconds_count\{reason="on demand"\} [1-9]/);
    expect(metrics).toMatch(/conveyor_checkpoint_duration_seconds_count\{reason="final"\} [1-9]/);
    expect(metrics).toMatch(/conveyor_task_attempts_total [1-9]/);
    expect(metrics).toMatch(/conveyor_running_tasks 0/);
    expect(metrics).toMatch(/conveyor_events_published_total\{type="task.started"\} \d+/);
    expect(metrics).toMatch(/conveyor_http_requests_total\{route="\/api\/workflows",status="201"\} \d+/);
    expect(metrics).toContain("conveyor_active_runs 0");
  });

  it("is not ready while a configured dependency is down, and says which", async () => {
    let redisUp = false;
    const r = await startTestServer(
      kind,
      {},
      {
        readiness: async () => {
          if (!redisUp) throw new Error("redis is reconnecting");
        },
      },
    );
    try {
      const down = await fetch(`${r.url}/readyz`);
      expect(down.status).toBe(503);
      expect(((await down.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: "NOT_READY",
        message: expect.stringContaining("redis is reconnecting"),
      });
      expect((await fetch(`${r.url}/healthz`)).status).toBe(200); // alive all the same
      redisUp = true;
      expect((await fetch(`${r.url}/readyz`)).status).toBe(200);
    } finally {
      await r.close();
    }
  });
  it("refuses a write that arrives while the server shuts down with 503 SHUTTING_DOWN, as documented", async () => {
    const r = await startTestServer(kind);
    let release!: () => void;
    try {
      let free!: () => void;
      r.tasks.set("t1", () => new Promise<void>((res) => (free = res)));
      const started = await fetch(`${r.url}/api/workflows/multi-task`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tasks: inlineTasks(1), executor: "fn" }),
      });
      const runId = ((await started.json()) as { workflow_id: string }).workflow_id;
      await eventually(async () => (await r.app.engine.progress(runId)).counts.running === 1);
      // a pause held in flight (its commit waits) keeps the shutdown draining
      const held = new Promise<void>((res) => (release = res));
      const store = r.app.engine.store;
      const commit = store.commit.bind(store);
      vi.spyOn(store, "commit").mockImplementation(async (batch) => (await held, commit(batch)));
      const pausing = fetch(`${r.url}/api/workflows/${runId}/pause`, { method: "POST" });
      // and a request half sent before the shutdown began: its connection is busy, so it stays open
      const socket = connect(Number(new URL(r.url).port), "127.0.0.1");
      await new Promise((res) => socket.once("connect", res));
      const answer = new Promise<string>((res) => {
        let text = "";
        socket.on("data", (d) => (text += d.toString()));
        socket.on("close", () => res(text));
        socket.on("error", () => res(text));
      });
      socket.write("POST /api/workflows/any/cancel HTTP/1.1\r\nhost: 127.0.0.1\r\n");
      await new Promise((res) => setTimeout(res, 100));
      const closing = r.api.close();
      await new Promise((res) => setTimeout(res, 100));
      socket.end("content-length: 0\r\nconnection: close\r\n\r\n");
      const raw = await answer;
      release();
      free();
      await pausing;
      await closing;
      const [head, body] = raw.split("\r\n\r\n") as [string, string];
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]);
      expect([status, JSON.parse(body).error.code]).toEqual([503, "SHUTTING_DOWN"]);
      const contentType = /content-type: ([^\r]+)/i.exec(head)?.[1] ?? null;
      expect(contractProblem({ method: "POST", path: "/api/workflows/any/cancel", status, contentType, body })).toBeNull();
    } finally {
      release?.();
      vi.restoreAllMocks();
      await r.close();
    }
  });
});
