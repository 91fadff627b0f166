// What every resolver gets: the services, who is asking, and per-request caches.
import type { Logger } from "../engine/ports.js";
import type { StoredUnit } from "../engine/store.js";
import type { ApiMetrics } from "../observability/metrics.js";
import type { Webhooks } from "../notifications/webhooks.js";
import type { Principal } from "./auth/principal.js";
import type { OpenSubscriptions } from "./live/open-subscriptions.js";
import type { RunEventFeeds } from "./live/run-event-stream.js";
import type { ProgressHub } from "./live/progress-hub.js";
import type { RunService } from "./run-service.js";

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
}

export interface ApiContext extends ApiServices {
  principal: Principal;
  requestId: string;
  /** Units of a run, loaded once per request however many fields need them. */
  units(runId: string): Promise<StoredUnit[]>;
}

export function requestContext(services: ApiServices, principal: Principal, requestId: string): ApiContext {
  const units = new Map<string, Promise<StoredUnit[]>>();
  return {
    ...services,
    principal,
    requestId,
    units: (runId) => {
      let p = units.get(runId);
      if (!p) units.set(runId, (p = services.runs.units(runId)));
      return p;
    },
  };
}
