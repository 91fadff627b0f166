// The webhook API over GraphQL: write scope for all of it, the secret shown once and
// never again, and bad input answered with typed errors naming the part.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "../../src/api/schema.js";
import { startTestServer, TOKENS, READ_TOKEN, WRITE_TOKEN, type TestServer } from "./support/server.js";

const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) {
  __typename
  ... on CreateWebhookPayload { secret webhook { id url events tags sources description managedBy } }
  ... on InvalidWebhook { field message code }
} }`;

describe("webhooks over GraphQL", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("pglite", { tokens: TOKENS });
  }, 60_000);
  afterAll(() => s?.close());

  it("creates an endpoint, shows its secret once, and no query can read it back", async () => {
    const input = {
      url: "https://hooks.example.com/conveyor",
      events: ["run.finished", "task.failed"],
      tags: ["nightly"],
      description: "ops",
    };
    const { body } = await s.gql(CREATE, { input }, WRITE_TOKEN);
    const created = body.data.createWebhook;
    expect(created.__typename).toBe("CreateWebhookPayload");
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.webhook).toMatchObject({ url: input.url, events: input.events, tags: ["nightly"], sources: [], managedBy: "api" });
    // nothing in the schema exposes it
    const webhook = schema.getType("Webhook") as unknown as { getFields(): Record<string, unknown> };
    expect(Object.keys(webhook.getFields())).not.toContain("secret");
    const listed = await s.gql(`{ webhooks { id url events } }`, {}, WRITE_TOKEN);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
    expect(listed.body.data.webhooks).toEqual([{ id: created.webhook.id, url: input.url, events: input.events }]);
    const updated = await s.gql(
      `mutation($id: String!) { updateWebhook(id: $id, input: { events: ["run.failed"], description: null }) { ... on WebhookPayload { webhook { events description } } } }`,
      { id: created.webhook.id },
      WRITE_TOKEN,
    );
    expect(updated.body.data.updateWebhook.webhook).toEqual({ events: ["run.failed"], description: null });
    const deliveries = await s.gql(`{ webhookDeliveries(state: dead) { id } }`, {}, WRITE_TOKEN);
    expect(deliveries.body.data.webhookDeliveries).toEqual([]);
    const deleted = await s.gql(
      `mutation($id: String!) { deleteWebhook(id: $id) { __typename } }`,
      { id: created.webhook.id },
      WRITE_TOKEN,
    );
    expect(deleted.body.data.deleteWebhook.__typename).toBe("WebhookPayload");
    const again = await s.gql(
      `mutation($id: String!) { deleteWebhook(id: $id) { __typename ... on WebhookNotFound { webhookId } } }`,
      { id: created.webhook.id },
      WRITE_TOKEN,
    );
    expect(again.body.data.deleteWebhook).toEqual({ __typename: "WebhookNotFound", webhookId: created.webhook.id });
  });

  it("needs the write scope, for the query too", async () => {
    const read = await s.gql(`{ webhooks { id } }`, {}, READ_TOKEN);
    expect(read.body.errors?.[0]).toMatchObject({ message: "webhooks need the write scope", extensions: { code: "FORBIDDEN" } });
    const mutation = await s.gql(CREATE, { input: { url: "https://hooks.example.com/", events: ["run.finished"] } }, READ_TOKEN);
    expect(mutation.status).toBe(403);
  });

  it("answers bad input with a typed error naming the part", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ url: "not a url", events: ["run.finished"] }, "url", /not a URL/],
      [{ url: "ftp://hooks.example.com/", events: ["run.finished"] }, "url", /http or https/],
      [{ url: "http://127.0.0.1:9/x", events: ["run.finished"] }, "url", /loopback address/],
      [{ url: "http://10.0.0.8/x", events: ["run.finished"] }, "url", /private address/],
      [{ url: "http://localhost:9/x", events: ["run.finished"] }, "url", /loopback name/],
      [{ url: "http://user:pw@hooks.example.com/", events: ["run.finished"] }, "url", /credentials/],
      [{ url: "https://hooks.example.com/", events: ["run.exploded"] }, "events", /unknown event type "run.exploded"/],
      [{ url: "https://hooks.example.com/", events: [] }, "events", /at least one/],
      [{ url: "https://hooks.example.com/", events: ["run.failed"], tags: [""] }, "tags", /1 to 500/],
    ];
    for (const [input, field, message] of cases) {
      const { status, body } = await s.gql(CREATE, { input }, WRITE_TOKEN);
      expect(status).toBe(200);
      expect(body.data.createWebhook).toMatchObject({ field, code: "INVALID_WEBHOOK", message: expect.stringMatching(message) });
    }
    const redeliver = await s.gql(
      `mutation { redeliverWebhook(deliveryId: "msg_x") { __typename ... on ApiError { code } } }`,
      {},
      WRITE_TOKEN,
    );
    expect(redeliver.body.data.redeliverWebhook).toEqual({ __typename: "WebhookDeliveryNotFound", code: "DELIVERY_NOT_FOUND" });
    expect((await s.gql(`{ webhooks { id } }`, {}, WRITE_TOKEN)).body.data.webhooks).toEqual([]);
  });
});
