// Webhook queries and mutations, all needing the write scope (webhooksFor).
import { builder } from "../builder.js";
import type { EndpointRecord } from "../../notifications/ports.js";
import { clampLimit, DeliveryStateEnum, DELIVERY_ERRORS, WEBHOOK_ERRORS, WebhookDeliveryRef, WebhookRef, webhooksFor } from "./webhook.js";
import type { DeliveryRecord } from "../../notifications/ports.js";

const { invalid, notFound, managed } = WEBHOOK_ERRORS;

const CreateWebhookInput = builder.inputType("CreateWebhookInput", {
  fields: (t) => ({
    url: t.string({ required: true }),
    events: t.stringList({
      required: true,
      description: "run.finished, run.failed, run.cancelled, run.interrupted, run.stalled, task.failed",
    }),
    description: t.string(),
    sources: t.stringList({ description: "Only runs whose source matches one of these globs (* is any text)" }),
    tags: t.stringList({ description: "Only runs of one of these tags" }),
  }),
});

const UpdateWebhookInput = builder.inputType("UpdateWebhookInput", {
  description: "Only the fields given change; description null clears it",
  fields: (t) => ({
    url: t.string(),
    events: t.stringList(),
    description: t.string(),
    sources: t.stringList(),
    tags: t.stringList(),
  }),
});

const CreateWebhookPayload = builder.objectRef<{ webhook: EndpointRecord; secret: string }>("CreateWebhookPayload").implement({
  fields: (t) => ({
    webhook: t.field({ type: WebhookRef, resolve: (p) => p.webhook }),
    secret: t.exposeString("secret", { description: "The signing secret (whsec_…), shown this once: it cannot be read back" }),
  }),
});
const WebhookPayload = builder.objectRef<{ webhook: EndpointRecord }>("WebhookPayload").implement({
  fields: (t) => ({ webhook: t.field({ type: WebhookRef, resolve: (p) => p.webhook }) }),
});
const WebhookDeliveryPayload = builder.objectRef<{ delivery: DeliveryRecord }>("WebhookDeliveryPayload").implement({
  fields: (t) => ({ delivery: t.field({ type: WebhookDeliveryRef, resolve: (p) => p.delivery }) }),
});

builder.queryFields((t) => ({
  webhooks: t.field({ type: [WebhookRef], description: "Needs the write scope", resolve: (_r, _a, ctx) => webhooksFor(ctx).list() }),
  webhookDeliveries: t.field({
    type: [WebhookDeliveryRef],
    description: "Newest first; needs the write scope",
    args: {
      webhookId: t.arg.string(),
      runId: t.arg.string(),
      state: t.arg({ type: DeliveryStateEnum }),
      limit: t.arg.int({ defaultValue: 50 }),
    },
    resolve: (_r, a, ctx) =>
      webhooksFor(ctx).deliveries({
        ...(a.webhookId != null ? { endpointId: a.webhookId } : {}),
        ...(a.runId != null ? { runId: a.runId } : {}),
        ...(a.state ? { state: a.state } : {}),
        limit: clampLimit(a.limit),
      }),
  }),
}));

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookPayload,
    errors: { types: [invalid] },
    args: { input: t.arg({ type: CreateWebhookInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const { endpoint, secret } = await webhooksFor(ctx).create(input);
      return { webhook: endpoint, secret };
    },
  }),
  updateWebhook: t.field({
    type: WebhookPayload,
    errors: { types: [invalid, notFound, managed] },
    args: { id: t.arg.string({ required: true }), input: t.arg({ type: UpdateWebhookInput, required: true }) },
    resolve: async (_r, { id, input }, ctx) => ({ webhook: await webhooksFor(ctx).update(id, input) }),
  }),
  deleteWebhook: t.field({
    type: WebhookPayload,
    description: "Deletes the endpoint with its deliveries",
    errors: { types: [notFound, managed] },
    args: { id: t.arg.string({ required: true }) },
    resolve: async (_r, { id }, ctx) => ({ webhook: await webhooksFor(ctx).delete(id) }),
  }),
  redeliverWebhook: t.field({
    type: WebhookDeliveryPayload,
    description: "Sends a dead (or delivered) delivery again, with the same webhook-id and fresh tries",
    errors: { types: DELIVERY_ERRORS },
    args: { deliveryId: t.arg.string({ required: true }) },
    resolve: async (_r, { deliveryId }, ctx) => ({ delivery: await webhooksFor(ctx).redeliver(deliveryId) }),
  }),
}));
