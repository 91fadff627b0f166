// What every resolver gets: the services, who is asking, and per-request caches.
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../engine/ports.js";
import type { StoredUnit } from "../engine/store.js";
import type { ApiMetrics } from "../observability/metrics.js";
import type { Webhooks } from "../notifications/webhooks.js";
import type { Principal } from "./auth/principal.js";
import type { OpenSubscriptions } from "./live/open-subscriptions.js";
import type { RunEventFeeds } from "./live/run-event-stream.js";
import type { ProgressHub } from "./live/progress-hub.js";
import type { RunService } from "./run-service.js";

/** GraphQL operation spans, and the trace a run started by a request continues (src/observability/otel-tracing.ts). */
export interface ApiTracing {
  graphqlPlugins(): Plugin[];
  /** The traceparent of the operation span a context executes under. */
  operationTraceparent(graphqlContext: object): string | undefined;
}

/** Shared by every request of one server. */
export interface ApiServices {
  runs: RunService;
  progressHub: ProgressHub;
  metrics?: ApiMetrics;
  eventFeeds: RunEventFeeds;
  subscriptions: OpenSubscriptions;
  logger: Logger;
  /** Webhook endpoints and deliveries; absent on a server over an app without them. */
  webhooks?: Webhooks;
  /** Present when tracing is on. */
  tracing?: ApiTracing;
}

export interface ApiContext extends ApiServices {
  principal: Principal;
  requestId: string;
  /** The request's W3C trace context headers (tracing on): its operation span continues them. */
  traceparent?: string;
  tracestate?: string;
  /** Units of a run, loaded once per request however many fields need them. */
  units(runId: string): Promise<StoredUnit[]>;
}

export function requestContext(
  services: ApiServices,
  principal: Principal,
  requestId: string,
  trace?: { traceparent?: string; tracestate?: string },
): ApiContext {
  const units = new Map<string, Promise<StoredUnit[]>>();
  return {
    ...services,
    principal,
    requestId,
    ...(trace?.traceparent ? { traceparent: trace.traceparent } : {}),
    ...(trace?.tracestate ? { tracestate: trace.tracestate } : {}),
    units: (runId) => {
      let p = units.get(runId);
      if (!p) units.set(runId, (p = services.runs.units(runId)));
      return p;
    },
  };
}
