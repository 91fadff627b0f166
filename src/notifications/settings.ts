// The webhook sender's settings, from the values the settings schema parsed
// (src/config/settings.ts), and the endpoints CONVEYOR_WEBHOOKS configures: checked
// here, with the same rules as the API's, and refused by name before anything opens.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { InvalidOptionError } from "../core/errors.js";
import { checkEvents, checkNewEndpoint } from "./endpoint-input.js";
import { InvalidWebhookError } from "./errors.js";
import type { NewEndpoint } from "./ports.js";
import { isSecret } from "./secret.js";

export interface WebhookSettings {
  /** Endpoints from CONVEYOR_WEBHOOKS (managed there, not through the API). */
  endpoints: NewEndpoint[];
  /** CONVEYOR_WEBHOOK_ALLOW_PRIVATE: loopback and private addresses may be sent to. */
  allowPrivate: boolean;
  /** CONVEYOR_WEBHOOK_TIMEOUT (default 10s): one request, connection to last byte. */
  timeoutMs: number;
  /** CONVEYOR_WEBHOOK_BACKOFF_BASE (default 30s): the first retry's delay, doubling after. */
  backoffBaseMs: number;
  /** The longest delay between two tries (4h). */
  backoffCapMs: number;
  /** CONVEYOR_WEBHOOK_MAX_ATTEMPTS (default 12): tries before a delivery is dead-lettered. */
  maxAttempts: number;
  /** CONVEYOR_WEBHOOK_STALL_AFTER (default 30m): a running run with no progress this long is reported stalled. */
  stallAfterMs: number;
  /** CONVEYOR_WEBHOOK_POLL (default 1s): how often due deliveries are looked for. */
  pollMs: number;
  /** Deliveries in flight per endpoint (4) and in all (32). */
  perEndpoint: number;
  maxInFlight: number;
  /** Bytes of a response read at most (64 KiB); the rest is not read. */
  maxResponseBytes: number;
}

const ConfiguredEndpoint = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "1 to 64 letters, digits, _ . -"),
  url: z.string(),
  events: z.array(z.string()),
  secret: z.string(),
  description: z.string().optional(),
  sources: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
});

/** CONVEYOR_WEBHOOKS: a JSON array of endpoints, inline or in the file it names. */
export function configuredEndpoints(text: string | undefined, allowPrivate: boolean): NewEndpoint[] {
  const name = "CONVEYOR_WEBHOOKS";
  if (text === undefined || text.trim() === "") return [];
  const inline = /^\s*[[{]/.test(text);
  let json: unknown;
  try {
    json = JSON.parse(inline ? text : readFileSync(text.trim(), "utf8"));
  } catch (err) {
    const why =
      err instanceof SyntaxError
        ? `not valid JSON (${err.message})`
        : `cannot read ${text.trim()} (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    throw new InvalidOptionError(name, why);
  }
  const parsed = z.array(ConfiguredEndpoint).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidOptionError(
      name,
      `a JSON array of {id, url, events, secret, description?, sources?, tags?}: at ${issue.path.join(".") || "top"}: ${issue.message}`,
    );
  }
  const ids = new Set<string>();
  return parsed.data.map((e, i) => {
    try {
      if (ids.has(e.id)) throw new InvalidWebhookError("id", `"${e.id}" appears twice`);
      ids.add(e.id);
      if (!isSecret(e.secret)) throw new InvalidWebhookError("secret", "whsec_ followed by base64 of at least 16 random bytes");
      checkEvents(e.events);
      const c = checkNewEndpoint(e, allowPrivate);
      return { id: e.id, secret: e.secret, managedBy: "config" as const, ...c };
    } catch (err) {
      if (err instanceof InvalidWebhookError) throw new InvalidOptionError(name, `endpoint ${i} (${e.id}): ${err.message}`);
      throw err;
    }
  });
}

/** The webhook settings as the settings schema (src/config/settings.ts) parses them. */
export interface WebhookSettingValues {
  CONVEYOR_WEBHOOKS: string | undefined;
  CONVEYOR_WEBHOOK_ALLOW_PRIVATE: boolean;
  CONVEYOR_WEBHOOK_TIMEOUT: number;
  CONVEYOR_WEBHOOK_BACKOFF_BASE: number;
  CONVEYOR_WEBHOOK_MAX_ATTEMPTS: number;
  CONVEYOR_WEBHOOK_STALL_AFTER: number;
  CONVEYOR_WEBHOOK_POLL: number;
}

/** The sender's settings: the parsed values, and the endpoints CONVEYOR_WEBHOOKS names, checked. */
export function webhookSettingsFrom(s: WebhookSettingValues): WebhookSettings {
  const allowPrivate = s.CONVEYOR_WEBHOOK_ALLOW_PRIVATE;
  return {
    endpoints: configuredEndpoints(s.CONVEYOR_WEBHOOKS, allowPrivate),
    allowPrivate,
    timeoutMs: s.CONVEYOR_WEBHOOK_TIMEOUT,
    backoffBaseMs: s.CONVEYOR_WEBHOOK_BACKOFF_BASE,
    backoffCapMs: 4 * 3_600_000,
    maxAttempts: s.CONVEYOR_WEBHOOK_MAX_ATTEMPTS,
    stallAfterMs: s.CONVEYOR_WEBHOOK_STALL_AFTER,
    pollMs: s.CONVEYOR_WEBHOOK_POLL,
    perEndpoint: 4,
    maxInFlight: 32,
    maxResponseBytes: 64 * 1024,
  };
}
