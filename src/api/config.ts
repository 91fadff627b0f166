// The API server's settings: defaults, then environment (CONVEYOR_API_*), then flags.
import type { QueryLimits } from "./plugins/limits.js";
import { DEFAULT_QUERY_LIMITS } from "./plugins/limits.js";
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from "./plugins/document-guard.js";
import { DEFAULT_PARSE_CACHE_BYTES } from "./plugins/parse-cache.js";
import { tokensFromEnv, type TokenEntry } from "./auth/tokens.js";
import { parseCorsOrigins } from "./http/cors.js";

export interface ServerConfig {
  host: string;
  port: number;
  tokens: TokenEntry[];
  limits: QueryLimits;
  /** Tokens and nesting of a GraphQL document, checked before it is parsed. */
  documentLimits: DocumentLimits;
  /** Nesting of arrays and objects in a JSON body (GraphQL variables, REST). */
  maxJsonNesting: number;
  /** Bytes the GraphQL parse and validation caches may hold together. */
  parseCacheBytes: number;
  bodyLimit: number;
  maxSubscriptionsPerConnection: number;
  graphiql: boolean;
  introspection: boolean;
  /** Origins whose pages may call the API (CORS); the server's own origin always may. */
  corsOrigins: string[];
  /** Progress snapshots per run at most every this many ms. */
  progressIntervalMs: number;
  /** An idle run's event feed re-reads the database this often. */
  eventPollMs: number;
  /** runEventBatches coalesces live events this long. */
  eventBatchMs: number;
  /** Graceful shutdown waits this long for in-flight mutations. */
  drainMs: number;
  /** The server's Task Master project, for requests that name no source. */
  tasksFile?: string;
}

const flag = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : !/^(0|false|no|off)$/i.test(v));

export function serverConfig(overrides: Partial<ServerConfig> = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: env.CONVEYOR_API_HOST ?? "127.0.0.1",
    port: Number(env.CONVEYOR_API_PORT ?? env.PORT ?? 4000),
    tokens: tokensFromEnv(env),
    limits: {
      maxDepth: Number(env.CONVEYOR_API_MAX_DEPTH ?? DEFAULT_QUERY_LIMITS.maxDepth),
      maxCost: Number(env.CONVEYOR_API_MAX_COST ?? DEFAULT_QUERY_LIMITS.maxCost),
    },
    documentLimits: {
      maxTokens: Number(env.CONVEYOR_API_MAX_TOKENS ?? DEFAULT_DOCUMENT_LIMITS.maxTokens),
      maxNesting: Number(env.CONVEYOR_API_MAX_NESTING ?? DEFAULT_DOCUMENT_LIMITS.maxNesting),
    },
    maxJsonNesting: Number(env.CONVEYOR_API_MAX_JSON_NESTING ?? 64),
    parseCacheBytes: Number(env.CONVEYOR_API_PARSE_CACHE_BYTES ?? DEFAULT_PARSE_CACHE_BYTES),
    bodyLimit: Number(env.CONVEYOR_API_BODY_LIMIT ?? 1024 * 1024),
    maxSubscriptionsPerConnection: Number(env.CONVEYOR_API_MAX_SUBSCRIPTIONS ?? 100),
    graphiql: flag(env.CONVEYOR_API_GRAPHIQL, true),
    introspection: flag(env.CONVEYOR_API_INTROSPECTION, true),
    corsOrigins: parseCorsOrigins(env.CONVEYOR_CORS_ORIGINS),
    progressIntervalMs: Number(env.CONVEYOR_API_PROGRESS_INTERVAL_MS ?? 250),
    eventPollMs: Number(env.CONVEYOR_API_EVENT_POLL_MS ?? 3000),
    eventBatchMs: Number(env.CONVEYOR_API_EVENT_BATCH_MS ?? 20),
    drainMs: Number(env.CONVEYOR_API_DRAIN_MS ?? 10_000),
    ...(env.CONVEYOR_TASKS ? { tasksFile: env.CONVEYOR_TASKS } : {}),
    ...overrides,
  };
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
export const isLoopback = (host: string) => LOOPBACK.has(host) || host.startsWith("127.");
