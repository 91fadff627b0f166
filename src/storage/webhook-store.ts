// The notifications' store port on PostgreSQL or PGlite: one module per operation
// under webhooks/, wired together here.
import type { WebhookStore } from "../notifications/ports.js";
import type { SqlRunner } from "./migrations.js";
import { backlog } from "./webhooks/backlog.js";
import { claimDue } from "./webhooks/claim-due.js";
import { createEndpoint } from "./webhooks/create-endpoint.js";
import { deleteEndpoint } from "./webhooks/delete-endpoint.js";
import { getDelivery } from "./webhooks/get-delivery.js";
import { getEndpoint } from "./webhooks/get-endpoint.js";
import { listWebhookAttempts } from "./webhooks/list-attempts.js";
import { listDeliveries } from "./webhooks/list-deliveries.js";
import { listEndpoints } from "./webhooks/list-endpoints.js";
import { recordAttempt } from "./webhooks/record-attempt.js";
import { redeliver } from "./webhooks/redeliver.js";
import { sweepInterrupted } from "./webhooks/sweep-interrupted.js";
import { sweepStalled } from "./webhooks/sweep-stalled.js";
import { syncConfigEndpoints } from "./webhooks/sync-config-endpoints.js";
import { updateEndpoint } from "./webhooks/update-endpoint.js";
import { wantedEventTypes } from "./webhooks/wanted-event-types.js";

export function sqlWebhookStore(sql: SqlRunner): WebhookStore {
  return {
    createEndpoint: (e) => createEndpoint(sql, e),
    updateEndpoint: (id, patch) => updateEndpoint(sql, id, patch),
    deleteEndpoint: (id) => deleteEndpoint(sql, id),
    getEndpoint: (id) => getEndpoint(sql, id),
    listEndpoints: () => listEndpoints(sql),
    syncConfigEndpoints: (list) => syncConfigEndpoints(sql, list),
    claimDue: (owner, limit, perEndpoint, busy, leaseMs) => claimDue(sql, owner, limit, perEndpoint, busy, leaseMs),
    recordAttempt: (o) => recordAttempt(sql, o),
    listDeliveries: (f) => listDeliveries(sql, f),
    getDelivery: (id) => getDelivery(sql, id),
    listAttempts: (ids) => listWebhookAttempts(sql, ids),
    redeliver: (id) => redeliver(sql, id),
    backlog: () => backlog(sql),
    wantedEventTypes: () => wantedEventTypes(sql),
    sweepStalled: (ms) => sweepStalled(sql, ms),
    sweepInterrupted: (ms) => sweepInterrupted(sql, ms),
  };
}
