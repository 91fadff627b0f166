// Every webhook setting, read from the environment in this one place (to move into the
// project's settings schema as it is). Bad values are refused by name before anything opens.
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

const UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function duration(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined || text.trim() === "") return fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  const ms = m ? Math.round(Number(m[1]) * UNITS[(m[2] ?? "s") as keyof typeof UNITS]) : NaN;
  if (!(ms >= min)) throw new InvalidOptionError(name, `a duration such as 30s, 5m or 500ms (at least ${min} ms), not "${text}"`);
  return ms;
}

function bool(name: string, text: string | undefined): boolean {
  if (text === undefined || text.trim() === "") return false;
  const t = text.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(t)) return true;
  if (["0", "false", "no", "off"].includes(t)) return false;
  throw new InvalidOptionError(name, `true or false, not "${text}"`);
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
    const why = err instanceof SyntaxError ? `not valid JSON (${err.message})` : `cannot read ${text.trim()} (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    throw new InvalidOptionError(name, why);
  }
  const parsed = z.array(ConfiguredEndpoint).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidOptionError(name, `a JSON array of {id, url, events, secret, description?, sources?, tags?}: at ${issue.path.join(".") || "top"}: ${issue.message}`);
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

export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const allowPrivate = bool("CONVEYOR_WEBHOOK_ALLOW_PRIVATE", env.CONVEYOR_WEBHOOK_ALLOW_PRIVATE);
  const attempts = env.CONVEYOR_WEBHOOK_MAX_ATTEMPTS;
  const maxAttempts = attempts === undefined || attempts.trim() === "" ? 12 : Number(attempts);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new InvalidOptionError("CONVEYOR_WEBHOOK_MAX_ATTEMPTS", `a whole number from 1 to 100, not "${attempts}"`);
  }
  return {
    endpoints: configuredEndpoints(env.CONVEYOR_WEBHOOKS, allowPrivate),
    allowPrivate,
    timeoutMs: duration("CONVEYOR_WEBHOOK_TIMEOUT", env.CONVEYOR_WEBHOOK_TIMEOUT, 10_000, 100),
    backoffBaseMs: duration("CONVEYOR_WEBHOOK_BACKOFF_BASE", env.CONVEYOR_WEBHOOK_BACKOFF_BASE, 30_000, 1),
    backoffCapMs: 4 * 3_600_000,
    maxAttempts,
    stallAfterMs: duration("CONVEYOR_WEBHOOK_STALL_AFTER", env.CONVEYOR_WEBHOOK_STALL_AFTER, 30 * 60_000, 1_000),
    pollMs: duration("CONVEYOR_WEBHOOK_POLL", env.CONVEYOR_WEBHOOK_POLL, 1_000, 10),
    perEndpoint: 4,
    maxInFlight: 32,
    maxResponseBytes: 64 * 1024,
  };
}
