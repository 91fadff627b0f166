// openapi.json as a contract: what it promises every operation (ids, servers,
// the statuses the server answers before and after routing, real schemas), and
// that the check every test's REST answers go through fails loudly on an answer
// the document does not describe, here from a plain HTTP server that answers wrong.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/api/rest/openapi.js";
import { contractProblem } from "../support/openapi-contract.js";
import { takeContractProblems } from "../support/rest-contract-hook.js";

type Op = { operationId?: string; responses: Record<string, any> };
const operations = Object.entries(openApiDocument.paths as Record<string, Record<string, Op>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, method, path, op })),
);
const codesOf = (response: any): string[] => {
  const r = response.$ref ? (openApiDocument.components.responses as Record<string, any>)[response.$ref.split("/").pop()] : response;
  return r.content["application/json"].schema.allOf[1].properties.error.properties.code.enum;
};

describe("openapi.json", () => {
  it("names a server and gives every operation an id", () => {
    expect(openApiDocument.servers.length).toBeGreaterThan(0);
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lists what every operation can answer: auth, method, shutdown, bugs", () => {
    for (const { route, method, path, op } of operations) {
      const statuses = Object.keys(op.responses);
      expect([route, statuses]).toEqual([route, expect.arrayContaining(["405", "500"])]);
      if (path.startsWith("/api/workflows")) {
        expect([route, codesOf(op.responses["401"])]).toEqual([route, ["UNAUTHENTICATED"]]);
        expect([route, codesOf(op.responses["403"])]).toEqual([route, ["FORBIDDEN", "CSRF"]]);
        if (path.includes("{id}"))
          expect([route, codesOf(op.responses["404"])]).toEqual([route, expect.arrayContaining(["RUN_NOT_FOUND"])]);
        expect([route, codesOf(op.responses["400"])]).toEqual([
          route,
          expect.arrayContaining(path.includes("{id}") ? ["MALFORMED_PATH"] : ["MALFORMED_JSON"]),
        ]);
      }
      if (method !== "get") expect([route, codesOf(op.responses["503"])]).toEqual([route, expect.arrayContaining(["SHUTTING_DOWN"])]);
    }
  });

  it("describes every JSON body with properties, never a bare object", () => {
    const schemas = openApiDocument.components.schemas as Record<string, any>;
    for (const name of [
      "Progress",
      "State",
      "Checkpoint",
      "Started",
      "WorkflowStatus",
      "TaskState",
      "RunOptions",
      "Error",
      "ErrorDetail",
    ]) {
      expect([name, Object.keys(schemas[name].properties ?? {}).length > 0, schemas[name].additionalProperties]).toEqual([
        name,
        true,
        false,
      ]);
    }
    expect(schemas.Progress.properties).not.toHaveProperty("eta_ms");
    expect(schemas.Progress.properties.running_tasks.type).toBe("array");
    for (const [name, s] of Object.entries(schemas)) {
      for (const [field, p] of Object.entries((s.properties ?? {}) as Record<string, any>)) {
        if (field.endsWith("_at")) expect([name, field, p.format]).toEqual([name, field, "date-time"]);
        if (field === "running") expect([name, field, p.type]).toEqual([name, field, "integer"]);
      }
    }
  });
});

describe("the contract check on REST answers", () => {
  it("accepts answers as documented", () => {
    expect(
      contractProblem({
        method: "GET",
        path: "/api/workflows/r1/progress",
        status: 404,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "RUN_NOT_FOUND", message: "run not found: r1", request_id: "q", run_id: "r1" } }),
      }),
    ).toBeNull();
    expect(
      contractProblem({
        method: "DELETE",
        path: "/api/workflows/r1/state",
        status: 405,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "METHOD_NOT_ALLOWED", message: "use GET", request_id: "q", allowed: ["GET"] } }),
      }),
    ).toBeNull();
    expect(
      contractProblem({
        method: "GET",
        path: "/api/nothing",
        status: 404,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "NOT_FOUND", message: "no route", request_id: "q" } }),
      }),
    ).toBeNull();
    expect(contractProblem({ method: "GET", path: "/graphql", status: 418, contentType: "text/html" })).toBeNull(); // not REST
  });

  it("names what is wrong with one that is not", () => {
    const progress = {
      workflow_id: "r",
      status: "running",
      total: 1,
      settled: 0,
      percent: 0,
      counts: { pending: 0, running: 1, retrying: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 },
      memoized: 0,
      running_tasks: [],
      throughput_per_sec: 0,
      eta_seconds: null,
      eta_at: null,
    };
    const check = (status: number, body: unknown, contentType = "application/json") =>
      contractProblem({ method: "GET", path: "/api/workflows/r/progress", status, contentType, body: JSON.stringify(body) });
    expect(check(200, progress)).toBeNull();
    expect(check(418, progress)).toMatch(/status 418 is not documented/);
    expect(check(200, progress, "text/html")).toMatch(/answered text\/html/);
    expect(check(200, { ...progress, eta_ms: 5 })).toMatch(/must NOT have additional properties/);
    expect(check(200, { ...progress, eta_at: 1_700_000_000_000 })).toMatch(/eta_at/);
    expect(check(200, { ...progress, eta_at: "yesterday" })).toMatch(/must match format "date-time"/);
    expect(check(404, { error: { code: "INVALID_SELECTION", message: "m", request_id: "q" } })).toMatch(
      /must be equal to one of the allowed values/,
    );
    expect(check(400, { error: { code: "MALFORMED_PATH", message: "m", request_id: "q", name: "InvalidSelectionError" } })).toMatch(
      /additional properties/,
    );
    expect(
      contractProblem({ method: "PATCH", path: "/api/workflows/r/progress", status: 200, contentType: "application/json", body: "{}" }),
    ).toMatch(/PATCH is not an operation/);
  });

  describe("on every fetch a test makes", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // answers a REST path the way the document says it must not
      server = createServer((req, res) => {
        if (req.url === "/api/workflows/r/state") return void res.writeHead(418, { "content-type": "application/json" }).end("{}");
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ workflow_id: "r", status: "running", running: 2 }));
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("fails the request, and the test, on an undocumented status or shape", async () => {
      await expect(fetch(`${url}/api/workflows/r/state`)).rejects.toThrow(
        /openapi.json does not describe this answer: GET \/api\/workflows\/r\/state -> 418/,
      );
      await expect(fetch(`${url}/api/workflows/r/progress`)).rejects.toThrow(/must have required property 'total'/);
      // both recorded, so a test that swallows the rejection still fails afterwards
      expect(takeContractProblems()).toHaveLength(2);
      expect((await fetch(`${url}/other`)).status).toBe(200); // not a REST path: not checked
    });
  });
});
