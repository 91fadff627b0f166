// The API server's settings: the process's settings (src/config/settings.ts,
// CONVEYOR_API_* and the rest), then flags and what tests override.
import { loadSettings, type Settings } from "../config.js";
import type { QueryLimits } from "./plugins/limits.js";
import type { DocumentLimits } from "./plugins/document-guard.js";
import { tokensFromSettings, type TokenEntry } from "./auth/tokens.js";

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
  /** Events of a followed run kept in memory; a live subscriber further behind is dropped. */
  eventRetain: number;
  /** Most events in one runEventBatches list. */
  eventMaxBatch: number;
  /** Graceful shutdown waits this long for in-flight mutations. */
  drainMs: number;
  /** The fast paths tied to Yoga and graphql-ws internals (fast/); off, every request goes through them unaltered. */
  fastPaths: boolean;
  /** The server's Task Master project, for requests that name no source. */
  tasksFile?: string;
}

/** `settings`: this process's, parsed once at start; the defaults alone when not given. */
export function serverConfig(overrides: Partial<ServerConfig> = {}, settings: Settings = loadSettings({})): ServerConfig {
  const s = settings;
  return {
    host: s.CONVEYOR_API_HOST,
    port: s.CONVEYOR_API_PORT ?? s.PORT,
    tokens: tokensFromSettings(s),
    limits: { maxDepth: s.CONVEYOR_API_MAX_DEPTH, maxCost: s.CONVEYOR_API_MAX_COST },
    documentLimits: { maxTokens: s.CONVEYOR_API_MAX_TOKENS, maxNesting: s.CONVEYOR_API_MAX_NESTING },
    maxJsonNesting: s.CONVEYOR_API_MAX_JSON_NESTING,
    parseCacheBytes: s.CONVEYOR_API_PARSE_CACHE_BYTES,
    bodyLimit: s.CONVEYOR_API_BODY_LIMIT,
    maxSubscriptionsPerConnection: s.CONVEYOR_API_MAX_SUBSCRIPTIONS,
    graphiql: s.CONVEYOR_API_GRAPHIQL,
    introspection: s.CONVEYOR_API_INTROSPECTION,
    corsOrigins: s.CONVEYOR_CORS_ORIGINS,
    progressIntervalMs: s.CONVEYOR_API_PROGRESS_INTERVAL_MS,
    eventPollMs: s.CONVEYOR_API_EVENT_POLL_MS,
    eventBatchMs: s.CONVEYOR_API_EVENT_BATCH_MS,
    eventRetain: s.CONVEYOR_API_EVENT_RETAIN,
    eventMaxBatch: s.CONVEYOR_API_EVENT_MAX_BATCH,
    drainMs: s.CONVEYOR_API_DRAIN_MS,
    fastPaths: s.CONVEYOR_API_FAST_PATHS,
    ...(s.CONVEYOR_TASKS ? { tasksFile: s.CONVEYOR_TASKS } : {}),
    ...overrides,
  };
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
export const isLoopback = (host: string) => LOOPBACK.has(host) || host.startsWith("127.");
