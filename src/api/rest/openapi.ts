// The REST API described as OpenAPI 3.1, served at /api/openapi.json.
const id = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "The workflow (run) id" };
const error = { $ref: "#/components/responses/Error" };
const status = { $ref: "#/components/schemas/WorkflowStatus" };
const json = (schema: object) => ({ content: { "application/json": { schema } } });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));

const control = (summary: string, body?: object) => ({
  post: {
    summary,
    parameters: [id],
    ...(body ? { requestBody: json(body) } : {}),
    responses: { "202": { description: "Accepted", ...json(status) }, ...errors(400, 401, 403, 404, 409) },
  },
});

export const openApiDocument = {
  openapi: "3.1.0",
  info: { title: "Conveyor REST API", version: "1.0.0", description: "Start and steer durable Task Master runs. GraphQL at /graphql offers more." },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "read scope for GET, write scope for POST/PUT" } },
    schemas: {
      WorkflowStatus: {
        type: "object",
        required: ["workflow_id", "status"],
        properties: { workflow_id: { type: "string" }, status: { type: "string" } },
      },
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message", "requestId"],
            properties: { code: { type: "string" }, message: { type: "string" }, requestId: { type: "string" } },
            additionalProperties: true,
          },
        },
      },
      StartRequest: {
        type: "object",
        description: "Run options in snake_case beside the selection (max_parallel, continue_on_error, task_timeout_ms, retry: {retry_limit, ...}, ...)",
        properties: {
          task_list: { type: "array", items: { type: ["string", "integer"] } },
          task_range: { type: "string", examples: ["1-100", "1-3,7,9.2"] },
          tasks_file: { type: "string", description: "A tasks.json on the server; default: the server's project" },
          tag: { type: "string" },
          tasks: { type: "array", description: "Inline task definitions or ids" },
          options: { type: "object" },
        },
        additionalProperties: true,
      },
    },
    responses: { Error: { description: "An error", ...json({ $ref: "#/components/schemas/Error" }) } },
  },
  security: [{ bearer: [] }],
  paths: {
    "/api/workflows/multi-task": {
      post: {
        summary: "Start a run of many tasks",
        requestBody: { required: true, ...json({ $ref: "#/components/schemas/StartRequest" }) },
        responses: {
          "201": { description: "Started", ...json({ allOf: [status, { properties: { total: { type: "integer" }, warnings: { type: "array" } } }] }) },
          ...errors(400, 401, 403, 413),
        },
      },
    },
    "/api/workflows/{id}/progress": {
      get: { summary: "Progress and ETA", parameters: [id], responses: { "200": { description: "Progress", ...json({ type: "object" }) }, ...errors(401, 403, 404) } },
    },
    "/api/workflows/{id}/state": {
      get: { summary: "The run and its tasks", parameters: [id], responses: { "200": { description: "State", ...json({ type: "object" }) }, ...errors(401, 403, 404) } },
    },
    "/api/workflows/{id}/checkpoint": {
      put: {
        summary: "Take a checkpoint now",
        parameters: [id],
        responses: { "201": { description: "Checkpoint taken", ...json({ type: "object" }) }, ...errors(401, 403, 404, 409) },
      },
    },
    "/api/workflows/{id}/tasks/{taskId}/logs": {
      get: {
        summary: "A task attempt's output as plain text",
        description:
          "An ended attempt's stored tail (stdout's lines, then stderr's), or a running attempt's lines so far. With follow, " +
          "then its live lines until the attempt ends. Lines dropped for a client reading too slowly show as one line " +
          "`[conveyor: N lines dropped]`. The attempt shown is in the x-conveyor-attempt header.",
        parameters: [
          id,
          { name: "taskId", in: "path", required: true, schema: { type: "string" } },
          { name: "attempt", in: "query", schema: { type: "integer", minimum: 1 }, description: "Default: the latest attempt" },
          { name: "follow", in: "query", schema: { type: "string", enum: ["1", "0", "true", "false"] }, description: "Stream until the attempt ends" },
        ],
        responses: {
          "200": { description: "The lines", content: { "text/plain": { schema: { type: "string" } } } },
          ...errors(400, 401, 403, 404),
        },
      },
    },
    "/api/workflows/{id}/resume": control("Resume (optionally from a checkpoint)", { type: "object", properties: { checkpoint_id: { type: "string" } } }),
    "/api/workflows/{id}/pause": control("Pause: running tasks finish, nothing new starts"),
    "/api/workflows/{id}/cancel": control("Cancel", { type: "object", properties: { reason: { type: "string" } } }),
  },
};
