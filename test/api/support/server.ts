// A real API server on port 0 over a real store (PGlite or PostgreSQL), with
// in-process tasks, and the clients tests talk to it with: fetch and graphql-ws.
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { createApp, type App } from "../../../src/app.js";
import { serverConfig, type ServerConfig } from "../../../src/api/config.js";
import { loadSettings } from "../../../src/config.js";
import { hashToken } from "../../../src/api/auth/tokens.js";
import { startApiServer, type ApiServer } from "../../../src/api/server.js";
import type { ExecutionRequest } from "../../../src/engine/executor.js";
import { silentLogger, type EventBus, type Logger } from "../../../src/engine/ports.js";
import { InProcessExecutor } from "../../../src/executors/in-process.js";
import { createMetrics, MeteredBus, type ApiMetrics } from "../../../src/observability/metrics.js";
import { MemoryBus } from "../../../src/pubsub/memory-bus.js";
import type { OtelTracing } from "../../../src/observability/otel-tracing.js";
import { makeStore, type TestStore } from "../../support/databases.js";

export const READ_TOKEN = "read-token-0123456789";
export const WRITE_TOKEN = "write-token-0123456789";
export const TOKENS = [
  { name: "reader", scopes: ["read" as const], sha256: hashToken(READ_TOKEN) },
  { name: "writer", scopes: ["write" as const], sha256: hashToken(WRITE_TOKEN) },
];

/**
 * The API's fast paths (src/api/fast/) as this run of the suite has them: on by
 * default, off under `npm run test:plain` (CONVEYOR_API_FAST_PATHS=false), which
 * servers spawned by tests read from the same environment.
 */
export const FAST_PATHS = loadSettings({ CONVEYOR_API_FAST_PATHS: process.env.CONVEYOR_API_FAST_PATHS }).CONVEYOR_API_FAST_PATHS;

export interface TestServer {
  app: App;
  api: ApiServer;
  url: string;
  wsUrl: string;
  metrics: ApiMetrics;
  store: TestStore;
  /** What each task does; default: succeed at once with "ok". */
  tasks: Map<string, (req: ExecutionRequest) => unknown>;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; body: { data?: T; errors?: any[] } }>;
  ws(token?: string): Client;
  close(): Promise<void>;
}

export async function startTestServer(
  kind: "pglite" | "postgres" = "pglite",
  overrides: Partial<ServerConfig> = {},
  opts: {
    bus?: EventBus;
    store?: TestStore;
    logger?: Logger;
    readiness?: () => Promise<void>;
    degradedChecks?: Record<string, () => Promise<void>>;
    tracing?: OtelTracing;
  } = {},
): Promise<TestServer> {
  const store = opts.store ?? (await makeStore(kind));
  const tasks = new Map<string, (req: ExecutionRequest) => unknown>();
  const fn = new InProcessExecutor((req) => (tasks.get(req.taskId) ?? (() => "ok"))(req));
  const metrics = createMetrics({ defaults: false });
  // the bus asks the app that is created with it: assigned once, after the bus
  // eslint-disable-next-line prefer-const
  let app: App | undefined;
  const bus = new MeteredBus(opts.bus ?? new MemoryBus(), metrics, (id) => app?.engine.isActive(id) ?? false);
  app = await createApp({
    ...store.config,
    bus,
    executors: { fn: () => fn },
    recover: false,
    logger: opts.logger ?? silentLogger,
    leaseMs: 2_000,
    tracing: opts.tracing ?? false,
  });
  const config = serverConfig({
    port: 0,
    tokens: [],
    drainMs: 2_000,
    eventPollMs: 500,
    progressIntervalMs: 50,
    fastPaths: FAST_PATHS,
    ...overrides,
  });
  const api = await startApiServer(
    {
      app,
      logger: opts.logger ?? silentLogger,
      metrics,
      ...(opts.readiness ? { readiness: opts.readiness } : {}),
      ...(opts.degradedChecks ? { degradedChecks: opts.degradedChecks } : {}),
    },
    config,
  );
  const clients: Client[] = [];
  const a = app;
  return {
    app: a,
    api,
    url: api.url,
    wsUrl: `${api.url.replace(/^http/, "ws")}/graphql`,
    metrics,
    store,
    tasks,
    gql: async (query, variables, token) => {
      const res = await fetch(`${api.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as { data?: any; errors?: any[] } };
    },
    ws: (token) => {
      const c = createClient({
        url: `${api.url.replace(/^http/, "ws")}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
      });
      clients.push(c);
      return c;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.dispose()));
      await api.close();
      await a.stop();
      if (!opts.store) {
        await socketsClosed();
        await store.dispose();
      }
    },
  };
}

/**
 * The pg pool's end() resolves a moment before its sockets close; dropping the
 * database WITH (FORCE) in that moment kills a live connection, whose FATAL
 * error then surfaces as an uncaught exception. Wait for the sockets first.
 */
async function socketsClosed(): Promise<void> {
  const open = () =>
    (process as unknown as { _getActiveHandles(): { remotePort?: number; destroyed?: boolean }[] })
      ._getActiveHandles()
      .some((h) => h?.remotePort === 5432 && !h.destroyed);
  for (let i = 0; i < 50 && open(); i++) await sleep(10);
}

/** Subscribes and collects every result until `until` says stop (or the stream completes). */
export function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  until: (items: T[]) => boolean = () => false,
) {
  const items: T[] = [];
  const errors: unknown[] = [];
  let stop = () => {};
  let ended = false;
  const done = new Promise<T[]>((resolve) => {
    stop = client.subscribe<T>(
      { query, variables },
      {
        next: (r) => {
          if (ended) return; // results already on the wire when we stopped
          if (r.errors) errors.push(...r.errors);
          if (r.data) items.push(r.data as T);
          if (until(items)) {
            ended = true;
            stop();
            resolve(items);
          }
        },
        error: (e) => {
          errors.push(e);
          resolve(items);
        },
        complete: () => resolve(items),
      },
    );
  });
  return { items, errors, done, stop: () => stop() };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Inline tasks: n independent ones, or chained when `chain` is set. */
export function inlineTasks(n: number, chain = false) {
  return Array.from({ length: n }, (_, i) => ({ id: `t${i + 1}`, dependencies: chain && i > 0 ? [`t${i}`] : [] }));
}

export const START = `mutation ($input: StartRunInput!) { startRun(input: $input) {
  __typename
  ... on StartRunPayload { run { id status total } warnings }
  ... on ApiError { message code }
  ... on InvalidSelection { part }
  ... on DependencyCycle { cycle }
  ... on UnknownTasks { ids }
  ... on InvalidInput { field path }
} }`;
