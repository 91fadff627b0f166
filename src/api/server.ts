// The API server: one node:http server with GraphQL (HTTP, SSE and graphql-ws
// on /graphql), REST under /api, /healthz, /readyz, /metrics, and the dashboard's
// static page at / (http/dashboard.ts).
import type { RetentionStore } from "../engine/retention-store.js";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../engine/ports.js";
import type { Engine } from "../engine/engine.js";
import type { ApiMetrics } from "../observability/metrics.js";
import type { Webhooks } from "../notifications/webhooks.js";
import { can, type Principal, type Scope } from "./auth/principal.js";
import { TokenAuthenticator } from "./auth/tokens.js";
import { isLoopback, type ServerConfig } from "./config.js";
import type { ApiServices, ApiTracing } from "./context.js";
import { OpenSubscriptions } from "./live/open-subscriptions.js";
import { ProgressHub } from "./live/progress-hub.js";
import { RunEventFeeds } from "./live/run-event-stream.js";
import { CorsPolicy } from "./http/cors.js";
import { csrfSuspect } from "./http/csrf.js";
import { isDashboardPath, serveDashboard } from "./http/dashboard.js";
import { handleGraphql } from "./http/graphql.js";
import { HttpError, sendError, sendJson } from "./http/io.js";
import { InFlight } from "./plugins/observe.js";
import { toHttpError } from "./rest/errors.js";
import { openApiDocument } from "./rest/openapi.js";
import { handleWorkflows, methodNotAllowed, restScope } from "./rest/workflows.js";
import { ReadinessProbe } from "./readiness.js";
import { RunService } from "./run-service.js";
import { attachWebSockets } from "./ws.js";
import { createApiYoga, SSE_STREAM_PATH } from "./yoga.js";

/**
 * What the server needs of the process it serves: its engine (every start passes its
 * guards, syncStatus included) and a way to ask the database whether it answers.
 * The composition root's App is one.
 */
export interface ServedApp {
  engine: Engine;
  db: { sql: { query(text: string): Promise<unknown> } };
  webhooks?: Webhooks;
  /** When tracing is on: GraphQL operations become spans, and runs started here continue the caller's trace. */
  tracing?: ApiTracing;
  /** Deleting finished runs (deleteRun, REST DELETE). */
  retention?: RetentionStore;
}

export interface ApiServerDeps {
  app: ServedApp;
  logger: Logger;
  metrics?: ApiMetrics;
  /** Extra readiness checks beside the database; throw when not ready (503). */
  readiness?: () => Promise<void>;
  /** Optional dependencies by name (e.g. redis); one that throws makes the replica degraded, still ready (readiness.ts). */
  degradedChecks?: Record<string, () => Promise<void>>;
}

export interface ApiServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight mutations finish, closes sockets (1001). Does not stop the app. */
  close(): Promise<void>;
}

export class RefusedToListenError extends Error {}

/** What the server's resolvers share, over one app. */
export function createApiServices(
  { app, logger, metrics }: Omit<ApiServerDeps, "readiness" | "degradedChecks">,
  config: ServerConfig,
): ApiServices {
  const engine = app.engine;
  return {
    runs: new RunService(engine, config.tasksFile, app.retention),
    progressHub: new ProgressHub(
      { progress: (id) => engine.progress(id), store: engine.store, bus: engine.bus },
      config.progressIntervalMs,
      logger,
      config.eventPollMs,
    ),
    ...(metrics ? { metrics } : {}),
    eventFeeds: new RunEventFeeds(engine, {
      pollMs: config.eventPollMs,
      batchMs: config.eventBatchMs,
      retain: config.eventRetain,
      maxBatch: config.eventMaxBatch,
    }),
    subscriptions: new OpenSubscriptions(),
    logger,
    ...(app.webhooks ? { webhooks: app.webhooks } : {}),
    ...(app.tracing ? { tracing: app.tracing } : {}),
  };
}

export async function startApiServer(deps: ApiServerDeps, config: ServerConfig): Promise<ApiServer> {
  const { app, logger, metrics } = deps;
  const auth = new TokenAuthenticator(config.tokens);
  const cors = new CorsPolicy(config.corsOrigins);
  if (!auth.enabled && !isLoopback(config.host)) {
    throw new RefusedToListenError(
      `refusing to listen on ${config.host} without API tokens: anyone who can reach it could start commands. ` +
        `Configure tokens (CONVEYOR_API_TOKENS or CONVEYOR_API_TOKENS_FILE) or listen on 127.0.0.1.`,
    );
  }
  const services = createApiServices(deps, config);
  /** SSE answers being streamed: a shutdown lets them end before it closes their connections. */
  const streaming = new Set<ServerResponse>();
  const mutations = new InFlight();
  const yoga = createApiYoga({
    limits: config.limits,
    documentLimits: config.documentLimits,
    parseCacheBytes: config.parseCacheBytes,
    graphiql: config.graphiql,
    introspection: config.introspection,
    fastPaths: config.fastPaths,
    logger,
    mutations,
    ...(metrics ? { metrics } : {}),
    ...(app.tracing ? { plugins: app.tracing.graphqlPlugins() } : {}),
  });
  let draining = false;
  const probe = new ReadinessProbe(
    [
      async () => void (await app.db.sql.query("SELECT 1").catch((e) => Promise.reject(new Error(`database unreachable: ${String(e)}`)))),
      ...(deps.readiness ? [deps.readiness] : []),
    ],
    deps.degradedChecks ?? {},
    metrics,
  );

  /** The caller's principal if it may act with `scope`; 401 / 403 otherwise. */
  function authorize(req: IncomingMessage, scope: Scope): Principal {
    const p = auth.authenticate(req.headers.authorization);
    if (!p || p.scopes.size === 0) throw new HttpError(401, "authentication required: send a valid bearer token", "UNAUTHENTICATED");
    if (!can(p, scope)) throw new HttpError(403, `this needs the ${scope} scope`, "FORBIDDEN");
    return p;
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string, requestId: string): Promise<void> {
    if (cors.handle(req, res)) return; // a preflight, answered
    if (["/healthz", "/readyz", "/metrics", "/api/openapi.json"].includes(path) && req.method !== "GET" && req.method !== "HEAD") {
      throw methodNotAllowed(["GET"]);
    }
    if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (path === "/readyz") {
      if (draining) throw new HttpError(503, "shutting down", "SHUTTING_DOWN");
      const r = await probe.check();
      if (!r.ready) throw new HttpError(503, r.reason!, "NOT_READY", Object.keys(r.degraded).length > 0 ? { degraded: r.degraded } : {});
      if (Object.keys(r.degraded).length > 0) return sendJson(res, 200, { status: "degraded", degraded: r.degraded });
      return sendJson(res, 200, { status: "ready" });
    }
    if (path === "/metrics") {
      authorize(req, "read");
      if (!metrics) throw new HttpError(404, "metrics are off", "NOT_FOUND");
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      return void res.end(await metrics.registry.metrics());
    }
    if (path === "/api/openapi.json") return sendJson(res, 200, openApiDocument);
    if (isDashboardPath(path)) return serveDashboard(req.method, path, res);
    if (!auth.enabled && csrfSuspect(req, (r) => cors.trusted(r))) {
      throw new HttpError(403, "cross-site request refused: send it from the same origin or with an x-conveyor-csrf header", "CSRF");
    }
    if (path === "/graphql" || path === SSE_STREAM_PATH) {
      const principal = auth.authenticate(req.headers.authorization);
      if (!principal) throw new HttpError(401, "invalid bearer token", "UNAUTHENTICATED");
      const sseStream = path === SSE_STREAM_PATH;
      return handleGraphql(yoga, services, req, res, {
        principal,
        requestId,
        bodyLimit: config.bodyLimit,
        maxJsonNesting: config.maxJsonNesting,
        streaming,
        sseStream,
        fastPaths: config.fastPaths,
      });
    }
    if (path.startsWith("/api/")) {
      const scope = restScope(req.method);
      authorize(req, scope);
      if (scope === "write" && !mutations.enter()) throw new HttpError(503, "shutting down", "SHUTTING_DOWN");
      try {
        if (
          await handleWorkflows(
            {
              runs: services.runs,
              bodyLimit: config.bodyLimit,
              maxJsonNesting: config.maxJsonNesting,
              subscriptions: services.subscriptions,
              ...(services.tracing ? { tracing: services.tracing } : {}),
            },
            req,
            res,
            path,
          )
        )
          return;
      } finally {
        if (scope === "write") mutations.leave();
      }
    }
    throw new HttpError(404, `no route ${req.method} ${path}`, "NOT_FOUND");
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader("x-request-id", requestId);
    const started = performance.now();
    let path = "/";
    try {
      path = new URL(req.url ?? "/", "http://x").pathname;
    } catch {
      // a request line no URL parser accepts: answered 404 below
    }
    res.on("finish", () => {
      const routeName = path.startsWith("/api/workflows/") ? "/api/workflows" : path.length > 40 ? "other" : path;
      metrics?.httpRequests.inc({ route: routeName, status: String(res.statusCode) });
      logger.info({ requestId, method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, "request");
    });
    try {
      await route(req, res, path, requestId);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      const known = toHttpError(err);
      if (known && (path === "/graphql" || path === SSE_STREAM_PATH)) {
        // GraphQL clients expect their own error shape, whatever the status
        return sendJson(res, known.status, { errors: [{ message: known.message, extensions: { code: known.code, requestId } }] });
      }
      if (known) return sendError(res, known, requestId);
      logger.error({ requestId, err: err instanceof Error ? err.stack : String(err) }, "unexpected error");
      sendError(res, new HttpError(500, "unexpected error", "INTERNAL_SERVER_ERROR"), requestId);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = 0; // SSE subscriptions are long-lived
  const ws = attachWebSockets(server, {
    yoga,
    services,
    auth,
    trustedOrigin: (r) => cors.trusted(r),
    maxSubscriptionsPerConnection: config.maxSubscriptionsPerConnection,
    maxPayload: config.bodyLimit,
    maxJsonNesting: config.maxJsonNesting,
    fastPaths: config.fastPaths,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      (closing ??= (async () => {
        draining = true;
        mutations.close();
        const closed = new Promise<void>((r) => server.close(() => r()));
        const drained = await Promise.race([
          mutations.idle().then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), config.drainMs).unref()),
        ]);
        if (!drained) logger.warn({ inFlight: mutations.count }, "shutdown: mutations still in flight after the drain period");
        services.subscriptions.closeAll();
        const ended = Promise.all([...streaming].map((res) => new Promise((r) => res.once("close", r))));
        await Promise.race([ended, new Promise((r) => setTimeout(r, 1_000).unref())]);
        await ws.close();
        await services.progressHub.close();
        services.eventFeeds.close();
        server.closeAllConnections();
        await closed;
      })()),
  };
}
