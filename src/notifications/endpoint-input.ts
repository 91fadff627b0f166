// Checks what a user gives for an endpoint (GraphQL or CONVEYOR_WEBHOOKS) and says
// exactly which part is wrong. Addresses are checked again, resolved, at every send.
import { isIP } from "node:net";
import { isWebhookEventType, type WebhookEventType } from "../core/notices.js";
import { refusedAddress } from "./address-policy.js";
import { InvalidWebhookError } from "./errors.js";
import type { EndpointPatch } from "./ports.js";

export interface EndpointInput {
  url?: string | null;
  events?: readonly string[] | null;
  description?: string | null;
  sources?: readonly string[] | null;
  tags?: readonly string[] | null;
}

const MAX_URL = 2_000;
const MAX_TEXT = 500;
const MAX_FILTERS = 50;

export function checkUrl(text: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidWebhookError("url", `not a URL: "${text.slice(0, 100)}"`);
  }
  if (text.length > MAX_URL) throw new InvalidWebhookError("url", `longer than ${MAX_URL} characters`);
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new InvalidWebhookError("url", `must be http or https, not ${url.protocol.replace(/:$/, "")}`);
  if (url.username || url.password) throw new InvalidWebhookError("url", "must not carry credentials: deliveries are signed instead");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) {
    const why = refusedAddress(host, allowPrivate);
    if (why) throw new InvalidWebhookError("url", why);
  } else if (!allowPrivate && (host === "localhost" || host.endsWith(".localhost"))) {
    throw new InvalidWebhookError("url", `${host} is a loopback name (set CONVEYOR_WEBHOOK_ALLOW_PRIVATE=true to allow it)`);
  }
  return url.toString();
}

export function checkEvents(events: readonly string[]): WebhookEventType[] {
  if (events.length === 0) throw new InvalidWebhookError("events", "name at least one event type");
  const unknown = events.filter((e) => !isWebhookEventType(e));
  if (unknown.length) {
    throw new InvalidWebhookError(
      "events",
      `unknown event type ${unknown.map((e) => `"${e.slice(0, 60)}"`).join(", ")}; known: run.finished, run.failed, run.cancelled, run.interrupted, run.stalled, task.failed`,
    );
  }
  return [...new Set(events as WebhookEventType[])];
}

function checkList(field: string, list: readonly string[]): string[] {
  if (list.length > MAX_FILTERS) throw new InvalidWebhookError(field, `at most ${MAX_FILTERS} entries`);
  for (const s of list)
    if (s.length === 0 || s.length > MAX_TEXT) throw new InvalidWebhookError(field, `entries must be 1 to ${MAX_TEXT} characters`);
  return [...new Set(list)];
}

function checkDescription(d: string | null): string | null {
  if (d !== null && d.length > MAX_TEXT) throw new InvalidWebhookError("description", `longer than ${MAX_TEXT} characters`);
  return d;
}

/** A full endpoint (creation): url and events required. */
export function checkNewEndpoint(i: EndpointInput, allowPrivate: boolean): Required<EndpointPatch> {
  if (i.url == null) throw new InvalidWebhookError("url", "required");
  if (i.events == null) throw new InvalidWebhookError("events", "required");
  return {
    url: checkUrl(i.url, allowPrivate),
    events: checkEvents(i.events),
    description: checkDescription(i.description ?? null),
    sources: checkList("sources", i.sources ?? []),
    tags: checkList("tags", i.tags ?? []),
  };
}

/** A change: only what is given (null description clears it; null lists or url keep what is there). */
export function checkPatch(i: EndpointInput, allowPrivate: boolean): EndpointPatch {
  const p: EndpointPatch = {};
  if (i.url != null) p.url = checkUrl(i.url, allowPrivate);
  if (i.events != null) p.events = checkEvents(i.events);
  if (i.description !== undefined) p.description = checkDescription(i.description);
  if (i.sources != null) p.sources = checkList("sources", i.sources);
  if (i.tags != null) p.tags = checkList("tags", i.tags);
  return p;
}
