// The REST API described as OpenAPI 3.1, served at /api/openapi.json and committed
// as openapi.json (npm run openapi), which `npm run lint` checks with Redocly.
// Each error response lists the codes it can carry, so a client (and the tests,
// which check every answer they get against this) knows them all.
import { ref, schemas } from "./openapi-schemas.js";

const json = (schema: object) => ({ content: { "application/json": { schema } } });
const requestIdHeader = {
  "x-request-id": { description: "The request's id: the one sent, if sane, or a new one", schema: { type: "string" } },
};

function answer(description: string, schema: object, headers: Record<string, object> = {}) {
  return { description, headers: { ...requestIdHeader, ...headers }, ...json(schema) };
}

/** An error answer whose `code` is one of `codes`. */
function failure(description: string, codes: string[], headers: Record<string, object> = {}) {
  codes = [...new Set(codes)];
  const codeIs = { type: "object", properties: { error: { type: "object", properties: { code: { type: "string", enum: codes } } } } };
  return answer(`${description} (${codes.join(", ")})`, { allOf: [ref("Error"), codeIs] }, headers);
}

const PATH_CODES = ["MALFORMED_PATH", "NUL_CHARACTER"];
const BODY_CODES = ["BAD_REQUEST", "MALFORMED_JSON", "JSON_TOO_DEEP", "NUL_CHARACTER"];
const START_CODES = [
  "INVALID_OPTION",
  "INVALID_SELECTION",
  "EMPTY_SELECTION",
  "SUBTASK_SELECTED",
  "UNKNOWN_TASKS",
  "DUPLICATE_TASK_ID",
  "MISSING_DEPENDENCY",
  "UNSATISFIED_DEPENDENCY",
  "DEPENDENCY_CYCLE",
  "INVALID_TASK_FILE",
  "UNKNOWN_TAG",
  "TASKS_PATH",
];

const common = {
  "401": { $ref: "#/components/responses/Unauthenticated" },
  "403": { $ref: "#/components/responses/Forbidden" },
  "405": { $ref: "#/components/responses/MethodNotAllowed" },
  "500": { $ref: "#/components/responses/Unexpected" },
};
const writes = { ...common, "503": { $ref: "#/components/responses/Unavailable" } };
const tooLarge = { "413": { $ref: "#/components/responses/PayloadTooLarge" } };
const unknownRun = (...more: string[]) => ({ "404": failure("No such run", ["RUN_NOT_FOUND", ...more]) });
const wrongState = {
  "409": failure("The run's status does not allow it, or another process drives the run", ["INVALID_TRANSITION", "STORE_LOCKED"]),
};

const id = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "The workflow (run) id" };
const tags = ["workflows"];

const steer = (operationId: string, summary: string, description: string, body?: string) => ({
  post: {
    operationId,
    summary,
    description,
    tags,
    parameters: [id],
    ...(body ? { requestBody: { required: false, ...json(ref(body)) } } : {}),
    responses: {
      "202": answer("Accepted: the command is recorded, and the run's status as it is now", ref("WorkflowStatus")),
      "400": failure("A malformed path or body", [...PATH_CODES, ...BODY_CODES, "INVALID_OPTION"]),
      ...unknownRun(...(operationId === "resumeWorkflow" ? ["CHECKPOINT_NOT_FOUND"] : [])),
      ...wrongState,
      ...(body ? tooLarge : {}),
      ...writes,
    },
  },
});

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Conveyor REST API",
    version: "0.2.0",
    license: { name: "MIT", identifier: "MIT" },
    description:
      "Start and steer durable Task Master runs. GraphQL at /graphql offers more. Bodies are snake_case JSON; times are " +
      'ISO 8601 strings, durations `_ms` numbers (the ETA: `eta_seconds`). Errors are `{"error": {code, message, request_id, ...}}`; ' +
      "any other path under /api answers 404 `NOT_FOUND`. Without configured tokens the server listens on loopback only and asks for none.",
  },
  servers: [
    {
      url: "{scheme}://{host}:{port}",
      description: "A Conveyor server (`conveyor serve`)",
      variables: { scheme: { default: "http", enum: ["http", "https"] }, host: { default: "127.0.0.1" }, port: { default: "4000" } },
    },
  ],
  tags: [
    { name: "workflows", description: "Runs of Task Master tasks: start, follow, steer" },
    { name: "service", description: "The server itself: health, readiness, metrics, this document" },
  ],
  security: [{ bearer: [] }],
  paths: {
    "/api/workflows/multi-task": {
      post: {
        operationId: "startWorkflow",
        summary: "Start a run of many tasks",
        description: "Options may sit at the top level or under `options`, in snake_case (or camelCase), but each only once.",
        tags,
        requestBody: { required: true, ...json(ref("StartRequest")) },
        responses: {
          "201": answer("Started", ref("Started"), { location: { description: "The run's state", schema: { type: "string" } } }),
          "400": failure("Bad input, naming what is wrong", [...BODY_CODES, ...START_CODES]),
          ...tooLarge,
          ...writes,
        },
      },
    },
    "/api/workflows/{id}": {
      delete: {
        operationId: "deleteWorkflow",
        summary: "Delete a finished run",
        description:
          "Removes the run with its tasks, attempts, event log and checkpoints (cached results stay). A run that is not " +
          "finished (pending, running, paused, interrupted) is refused with 409.",
        tags,
        parameters: [id],
        responses: {
          "200": answer("Deleted, with the rows removed", ref("Deleted")),
          "400": failure("A malformed path", PATH_CODES),
          ...unknownRun(),
          ...wrongState,
          ...writes,
        },
      },
    },
    "/api/workflows/{id}/progress": {
      get: {
        operationId: "getWorkflowProgress",
        summary: "Progress and ETA",
        tags,
        parameters: [id],
        responses: {
          "200": answer("Progress", ref("Progress")),
          "400": failure("A malformed path", PATH_CODES),
          ...unknownRun(),
          ...common,
        },
      },
    },
    "/api/workflows/{id}/state": {
      get: {
        operationId: "getWorkflowState",
        summary: "The run and its tasks",
        tags,
        parameters: [id],
        responses: { "200": answer("State", ref("State")), "400": failure("A malformed path", PATH_CODES), ...unknownRun(), ...common },
      },
    },
    "/api/workflows/{id}/checkpoint": {
      put: {
        operationId: "checkpointWorkflow",
        summary: "Take a checkpoint now",
        tags,
        parameters: [id],
        responses: {
          "201": answer("Checkpoint taken", ref("Checkpoint")),
          "400": failure("A malformed path", PATH_CODES),
          ...unknownRun(),
          ...wrongState,
          ...writes,
        },
      },
    },
    "/api/workflows/{id}/tasks/{taskId}/logs": {
      get: {
        operationId: "getTaskLogs",
        summary: "A task attempt's output as plain text",
        description:
          "An ended attempt's stored tail (stdout's lines, then stderr's), or a running attempt's lines so far. With follow, " +
          "then its live lines until the attempt ends. Lines dropped for a client reading too slowly show as one line " +
          "`[conveyor: N lines dropped]`.",
        tags,
        parameters: [
          id,
          { name: "taskId", in: "path", required: true, schema: { type: "string" }, description: "The task's id in the run" },
          { name: "attempt", in: "query", schema: { type: "integer", minimum: 1 }, description: "Default: the latest attempt" },
          {
            name: "follow",
            in: "query",
            schema: { type: "string", enum: ["1", "0", "true", "false"] },
            description: "Stream until the attempt ends",
          },
        ],
        responses: {
          "200": {
            description: "The lines",
            headers: { ...requestIdHeader, "x-conveyor-attempt": { description: "The attempt shown", schema: { type: "integer" } } },
            content: { "text/plain": { schema: { type: "string" } } },
          },
          "400": failure("A malformed path, attempt or follow", [...PATH_CODES, "INVALID_OPTION"]),
          ...unknownRun("TASK_NOT_FOUND"),
          ...common,
        },
      },
    },
    "/api/workflows/{id}/resume": steer(
      "resumeWorkflow",
      "Resume, optionally from a checkpoint",
      "Goes on with a paused, interrupted, failed or cancelled run; with checkpoint_id, from that checkpoint.",
      "ResumeRequest",
    ),
    "/api/workflows/{id}/pause": steer("pauseWorkflow", "Pause", "Running tasks finish; nothing new starts."),
    "/api/workflows/{id}/cancel": steer(
      "cancelWorkflow",
      "Cancel",
      "Running tasks are stopped (after the run's cancel_grace_ms); nothing new starts.",
      "CancelRequest",
    ),
    "/api/openapi.json": {
      get: {
        operationId: "getOpenApiDocument",
        summary: "This document",
        tags: ["service"],
        security: [],
        responses: {
          "200": answer("The OpenAPI document", {
            type: "object",
            required: ["openapi", "info", "paths"],
            properties: { openapi: { type: "string" }, info: { type: "object" }, paths: { type: "object" } },
          }),
          "405": { $ref: "#/components/responses/MethodNotAllowed" },
          "500": { $ref: "#/components/responses/Unexpected" },
        },
      },
    },
    "/healthz": {
      get: {
        operationId: "getHealth",
        summary: "Alive",
        tags: ["service"],
        security: [],
        responses: {
          "200": answer("The process answers", ref("Health")),
          "405": { $ref: "#/components/responses/MethodNotAllowed" },
          "500": { $ref: "#/components/responses/Unexpected" },
        },
      },
    },
    "/readyz": {
      get: {
        operationId: "getReadiness",
        summary: "Ready to serve",
        description: "Ready when the database answers; degraded (still 200) when an optional dependency such as Redis is down.",
        tags: ["service"],
        security: [],
        responses: {
          "200": answer("Ready or degraded", ref("Readiness")),
          "405": { $ref: "#/components/responses/MethodNotAllowed" },
          "503": failure("Not ready", ["NOT_READY", "SHUTTING_DOWN"]),
          "500": { $ref: "#/components/responses/Unexpected" },
        },
      },
    },
    "/metrics": {
      get: {
        operationId: "getMetrics",
        summary: "Prometheus metrics",
        tags: ["service"],
        responses: {
          "200": {
            description: "Prometheus text format",
            headers: requestIdHeader,
            content: { "text/plain": { schema: { type: "string" } } },
          },
          "401": { $ref: "#/components/responses/Unauthenticated" },
          "403": { $ref: "#/components/responses/Forbidden" },
          "404": failure("Metrics are off", ["NOT_FOUND"]),
          "405": { $ref: "#/components/responses/MethodNotAllowed" },
          "500": { $ref: "#/components/responses/Unexpected" },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: {
        type: "http",
        scheme: "bearer",
        description: "read scope for GET, write scope for POST, PUT and DELETE; none when the server has no tokens",
      },
    },
    schemas,
    responses: {
      Unauthenticated: failure("No valid bearer token", ["UNAUTHENTICATED"]),
      Forbidden: failure("The token lacks the scope, or a cross-site request came without x-conveyor-csrf", ["FORBIDDEN", "CSRF"]),
      MethodNotAllowed: failure("The path does not take this method", ["METHOD_NOT_ALLOWED"], {
        allow: { description: "The methods it takes", schema: { type: "string" } },
      }),
      PayloadTooLarge: failure("The body is over the limit (CONVEYOR_API_BODY_LIMIT)", ["PAYLOAD_TOO_LARGE"]),
      Unavailable: failure("Shutting down, or the database is out of reach: try again", [
        "SHUTTING_DOWN",
        "STORE_OUTAGE",
        "STORE_UNAVAILABLE",
      ]),
      Unexpected: failure("A bug: the details are in the server's log under the request id", ["INTERNAL_SERVER_ERROR"]),
    },
  },
};

/** The committed openapi.json's text. */
export const printedOpenApi = () => `${JSON.stringify(openApiDocument, null, 2)}\n`;
