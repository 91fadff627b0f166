// The environment variables each kind of command reads, for its --help. Kept
// beside the code that reads them: src/app.ts, src/observability/logger.ts,
// src/executors/argo/from-env.ts, src/api/config.ts, src/api/auth/tokens.ts.

const STORE = [
  ["CONVEYOR_DATA_DIR", "folder of the embedded store (default ./.conveyor)"],
  ["DATABASE_URL", "postgresql://… to use PostgreSQL instead of the embedded store"],
  ["CONVEYOR_LEASE_MS", "how long a run's lease lasts unrenewed, in ms (default 15000)"],
  ["CONVEYOR_LOG_LEVEL", "log level of the engine's logger (default warn)"],
];

const ARGO = [
  ["CONVEYOR_ARGO_NAMESPACE", "enables --executor argo, in this Kubernetes namespace"],
  ["CONVEYOR_ARGO_IMAGE", "task runner image of Argo runs"],
  ["CONVEYOR_ARGO_TEMPLATE", "WorkflowTemplate holding run-task (default multi-task-processor)"],
  ["KUBECONFIG", "cluster access for Argo runs (default ~/.kube/config, else in-cluster)"],
];

const API = [
  ["REDIS_URL", "Redis for events across replicas (same as --redis)"],
  ["CONVEYOR_API_HOST, CONVEYOR_API_PORT, PORT", "where to listen (flags win)"],
  ["CONVEYOR_API_TOKENS, CONVEYOR_API_TOKENS_FILE", "bearer tokens (sha256 hashes with scopes); none: loopback only"],
  ["CONVEYOR_TASKS", "the server's Task Master project (same as --tasks)"],
  ["CONVEYOR_API_MAX_DEPTH, CONVEYOR_API_MAX_COST", "query limits"],
  ["CONVEYOR_API_BODY_LIMIT, CONVEYOR_API_MAX_SUBSCRIPTIONS", "request size, subscriptions per connection"],
  ["CONVEYOR_API_GRAPHIQL, CONVEYOR_API_INTROSPECTION", "0 turns GraphiQL, introspection off"],
  ["CONVEYOR_CORS_ORIGINS", "origins whose pages may call the API, comma-separated (default: the server's own only)"],
  ["CONVEYOR_API_PROGRESS_INTERVAL_MS, CONVEYOR_API_EVENT_POLL_MS", "progress and event feed timing"],
  ["CONVEYOR_API_EVENT_BATCH_MS, CONVEYOR_API_DRAIN_MS", "event batching, shutdown drain"],
];

const RETENTION = [["CONVEYOR_RETENTION", 'how long finished runs are kept: "30d", "1000 runs" or "30d,1000 runs" (default: all)']];

const SERVER = [
  ["CONVEYOR_SERVER", "the server's URL (same as --server)"],
  ["CONVEYOR_TOKEN", "bearer token for it (same as --token)"],
];

const DEBUG = [["CONVEYOR_DEBUG", "1: print the stack trace of an unexpected error (same as --debug)"]];

export const ENV = {
  /** Commands that open the store: it alone. */
  store: [...STORE, ...DEBUG],
  /** Commands that may drive runs: the store and the executors. */
  engine: [...STORE, ...ARGO, ...DEBUG],
  serve: [...STORE, ...ARGO, ...API, ...RETENTION, ...DEBUG],
  /** prune: the store and the policy. */
  prune: [...STORE, ...RETENTION, ...DEBUG],
  server: [...SERVER, ...DEBUG],
  none: DEBUG,
};

const WIDTH = 24;

/** One variable a line; a longer name gets its description on the next line. */
export function environmentHelp(vars: string[][]): string {
  const lines = vars.map(([name, what]) =>
    name!.length <= WIDTH ? `  ${name!.padEnd(WIDTH)}  ${what}` : `  ${name}\n  ${" ".repeat(WIDTH)}  ${what}`,
  );
  return `\nEnvironment:\n${lines.join("\n")}\n`;
}
