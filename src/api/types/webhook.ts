// Webhook endpoints, their deliveries and each attempt to send one. No field returns an
// endpoint's secret: it is shown once, by createWebhook.
import { GraphQLError } from "../graphql.js";
import { can } from "../auth/principal.js";
import type { ApiContext } from "../context.js";
import { builder } from "../builder.js";
import type { AttemptRecord, DeliveryRecord, DeliveryState, EndpointRecord } from "../../notifications/ports.js";
import type { Webhooks } from "../../notifications/webhooks.js";
import { ErrorInterface } from "./errors.js";
import {
  DeliveryNotFoundError,
  DeliveryPendingError,
  InvalidWebhookError,
  WebhookManagedByConfigError,
  WebhookNotFoundError,
} from "../../notifications/errors.js";

/** Webhooks are configuration: reading them needs the write scope too (their URLs may carry tokens). */
export function webhooksFor(ctx: ApiContext): Webhooks {
  if (!can(ctx.principal, "write"))
    throw new GraphQLError("webhooks need the write scope", { extensions: { code: "FORBIDDEN", http: { status: 403 } } });
  if (!ctx.webhooks) throw new GraphQLError("webhooks are not available on this server", { extensions: { code: "UNAVAILABLE" } });
  return ctx.webhooks;
}

export const DeliveryStateEnum = builder.enumType("WebhookDeliveryState", {
  description: "pending: to be sent or retried; delivered: a 2xx answer came; dead: every try failed (redeliverWebhook replays it)",
  values: ["pending", "delivered", "dead"] as const satisfies readonly DeliveryState[],
});

export const WebhookAttemptRef = builder.objectRef<AttemptRecord>("WebhookAttempt").implement({
  fields: (t) => ({
    number: t.exposeInt("number"),
    at: t.field({ type: "DateTime", resolve: (a) => a.at }),
    statusCode: t.exposeInt("statusCode", { nullable: true, description: "The endpoint's HTTP status; null when no answer came" }),
    latencyMs: t.exposeInt("latencyMs"),
    error: t.exposeString("error", { nullable: true }),
    nextAttemptAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it is tried again; null once delivered or dead",
      resolve: (a) => a.nextAt,
    }),
    sentBy: t.exposeString("sentBy", { description: "The replica that sent it" }),
  }),
});

export const WebhookDeliveryRef = builder.objectRef<DeliveryRecord>("WebhookDelivery").implement({
  fields: (t) => ({
    id: t.exposeString("id", { description: "The webhook-id header: the same on every try" }),
    webhookId: t.exposeString("endpointId"),
    runId: t.exposeString("runId"),
    type: t.exposeString("type"),
    state: t.field({ type: DeliveryStateEnum, resolve: (d) => d.state }),
    tries: t.exposeInt("tries"),
    nextAttemptAt: t.field({ type: "DateTime", nullable: true, resolve: (d) => d.nextAt }),
    createdAt: t.field({ type: "DateTime", resolve: (d) => d.createdAt }),
    finishedAt: t.field({ type: "DateTime", nullable: true, resolve: (d) => d.finishedAt }),
    payload: t.field({
      type: "JSON",
      description: "The body sent, {type, timestamp, data}",
      resolve: (d) => JSON.parse(d.payload) as unknown,
    }),
    attempts: t.field({
      type: [WebhookAttemptRef],
      resolve: (d, _a, ctx) => webhooksFor(ctx).attempts([d.id]),
    }),
  }),
});

export const WebhookRef = builder.objectRef<EndpointRecord>("Webhook").implement({
  fields: (t) => ({
    id: t.exposeString("id"),
    url: t.exposeString("url"),
    description: t.exposeString("description", { nullable: true }),
    events: t.exposeStringList("events"),
    sources: t.exposeStringList("sources", { description: "Globs (*) over a run's source; empty: any" }),
    tags: t.exposeStringList("tags", { description: "A run's tag must be one of these; empty: any" }),
    managedBy: t.exposeString("managedBy", { description: "api, or config (CONVEYOR_WEBHOOKS: changed only there)" }),
    createdAt: t.field({ type: "DateTime", resolve: (e) => e.createdAt }),
    updatedAt: t.field({ type: "DateTime", resolve: (e) => e.updatedAt }),
    deliveries: t.field({
      type: [WebhookDeliveryRef],
      description: "Newest first",
      args: { state: t.arg({ type: DeliveryStateEnum }), limit: t.arg.int({ defaultValue: 50 }) },
      resolve: (e, a, ctx) =>
        webhooksFor(ctx).deliveries({ endpointId: e.id, ...(a.state ? { state: a.state } : {}), limit: clampLimit(a.limit) }),
    }),
  }),
});

export const clampLimit = (n: number | null | undefined) => Math.max(1, Math.min(n ?? 50, 500));

const base = { interfaces: [ErrorInterface] };
builder.objectType(InvalidWebhookError, {
  ...base,
  name: "InvalidWebhook",
  description: "The endpoint's input is unusable; `field` names the part",
  fields: (t) => ({ field: t.exposeString("field") }),
});
builder.objectType(WebhookNotFoundError, { ...base, name: "WebhookNotFound", fields: (t) => ({ webhookId: t.exposeString("id") }) });
builder.objectType(WebhookManagedByConfigError, {
  ...base,
  name: "WebhookManagedByConfig",
  fields: (t) => ({ webhookId: t.exposeString("id") }),
});
builder.objectType(DeliveryNotFoundError, {
  ...base,
  name: "WebhookDeliveryNotFound",
  fields: (t) => ({ deliveryId: t.exposeString("id") }),
});
builder.objectType(DeliveryPendingError, {
  ...base,
  name: "WebhookDeliveryPending",
  fields: (t) => ({ deliveryId: t.exposeString("id") }),
});

export const WEBHOOK_ERRORS = { invalid: InvalidWebhookError, notFound: WebhookNotFoundError, managed: WebhookManagedByConfigError };
export const DELIVERY_ERRORS = [DeliveryNotFoundError, DeliveryPendingError];
