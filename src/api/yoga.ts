// The GraphQL server proper (transport-free): schema, limits, scopes, masking,
// metrics. server.ts feeds it HTTP requests and graphql-ws messages.
import { NoSchemaIntrospectionCustomRule } from "./graphql.js";
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import { useGraphQLSSE } from "@graphql-yoga/plugin-graphql-sse";
import type { Logger } from "../engine/ports.js";
import type { ApiContext } from "./context.js";
import { DEFAULT_DOCUMENT_LIMITS, useDocumentGuard, type DocumentLimits } from "./plugins/document-guard.js";
import { useBriefErrors, useMaskedErrors } from "./plugins/errors.js";
import { noNulRule, useNoNul } from "./plugins/no-nul.js";
import { DEFAULT_PARSE_CACHE_BYTES, parseCaches } from "./plugins/parse-cache.js";
import { queryLimitsRule, type QueryLimits } from "./plugins/limits.js";
import { InFlight, useObserve } from "./plugins/observe.js";
import { useScopes } from "./plugins/scopes.js";
import { useSharedExecution } from "./fast/shared-execution.js";
import { schema } from "./schema.js";
import { GRAPHIQL_OPTIONS, renderConveyorGraphiQL, useGraphiqlPolicy } from "./graphiql.js";
import type { ApiMetrics } from "../observability/metrics.js";

export interface YogaOptions {
  limits: QueryLimits;
  documentLimits?: DocumentLimits;
  /** Bytes the parse and validation caches may hold (0: no cache). */
  parseCacheBytes?: number;
  graphiql: boolean;
  introspection: boolean;
  logger: Logger;
  metrics?: ApiMetrics;
  mutations: InFlight;
  /** Run before the others (tracing: a span per operation, seeded with the caller's trace context). */
  plugins?: Plugin[];
  /** The fast paths (fast/): subscription results executed once for all who ask alike. */
  fastPaths: boolean;
}

function useValidationRules(o: YogaOptions): Plugin<ApiContext> {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(queryLimitsRule(o.limits));
      addValidationRule(noNulRule);
      if (!o.introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/**
 * graphql-sse's protocol in both its modes (single connection: PUT a reservation, GET its
 * stream, POST operations with the token; distinct connections) at this path. /graphql
 * itself also answers subscriptions as SSE, one stream per request (distinct connections).
 */
export const SSE_STREAM_PATH = "/graphql/stream";

export type ApiYoga = YogaServerInstance<ApiContext, Record<string, never>>;

export function createApiYoga(o: YogaOptions): ApiYoga {
  return createYoga<ApiContext>({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: o.graphiql ? GRAPHIQL_OPTIONS : false,
    renderGraphiQL: renderConveyorGraphiQL,
    landingPage: false,
    // CORS is answered before any route, REST and WebSocket alike (http/cors.ts)
    cors: false,
    // masking is ours (plugins/errors.ts): it keeps typed domain errors and adds the correlation id
    maskedErrors: false,
    logging: false,
    // the body arrives read and bounded (http/graphql.ts, 413 over the limit); Yoga's own
    // limit would pipe every request's body through a TransformStream once more
    maxRequestBodySize: false,
    parserAndValidationCache: parseCaches(o.parseCacheBytes ?? DEFAULT_PARSE_CACHE_BYTES),
    plugins: [
      // they read nothing of ApiContext beyond what any context has
      ...((o.plugins ?? []) as unknown as Plugin<ApiContext>[]),
      useDocumentGuard(o.documentLimits ?? DEFAULT_DOCUMENT_LIMITS),
      useScopes(),
      useObserve(o.metrics, o.mutations),
      useMaskedErrors(o.logger),
      useValidationRules(o),
      useNoNul(),
      useBriefErrors(),
      ...(o.fastPaths ? [useSharedExecution()] : []),
      useGraphiqlPolicy(),
      useGraphQLSSE({ endpoint: SSE_STREAM_PATH }),
    ],
  }) as unknown as ApiYoga;
}
