// Every setting Conveyor reads from its environment, in one zod schema
// (settingsSchema()): parsed once when a process starts, so a bad value stops it
// at once, named. Settings are keyed by their variable's name, so code reads
// `settings.CONVEYOR_LEASE_MS` and a grep finds every use. docs/configuration.md
// is generated from this file (npm run docs:config). Adding one: DEVELOPERS.md.
import { z } from "zod";
import { setting, type Setting } from "./setting.js";
import { InvalidOptionError } from "../core/errors.js";
import { AGE_HINT, parseAge, parseRetention } from "../core/retention.js";
import { parseCorsOrigins } from "./cors-origins.js";
import { parseTokenEntries } from "./token-entries.js";
import { boolean, durationAsMs, oneOf, parsed, secondsAsMs, text, url, wholeNumber } from "./values.js";

const ms = (min: number) => wholeNumber({ min, unit: "milliseconds" });
const count = (min = 1) => wholeNumber({ min });
const port = () => wholeNumber({ min: 0, max: 65_535 });

/** The retention policy; the refusal names the variable itself, so the detail goes without it. */
const retentionPolicy = (text: string) => {
  try {
    return parseRetention(text);
  } catch (err) {
    throw err instanceof InvalidOptionError ? new Error(err.message.slice(err.field.length + 2)) : err;
  }
};

/** An age in the retention's words (30d, 12h, 2w). */
const age = () =>
  parsed((text) => {
    const ms = parseAge(text);
    if (ms === null) throw new Error(`not ${AGE_HINT}`);
    return ms;
  }, AGE_HINT);

const tokens = () => parsed(parseTokenEntries, "comma-separated name:scopes:sha256hex entries, scopes read and/or write joined by +");

export const SETTINGS = {
  // store
  DATABASE_URL: setting(text("a postgresql:// URL"), {
    group: "store",
    description: "PostgreSQL to keep runs in (postgresql://user:password@host:5432/db) instead of the embedded store.",
    unsetMeans: "the embedded store",
    secret: "url",
  }),
  CONVEYOR_DATA_DIR: setting(text("a folder path"), {
    group: "store",
    description: "Folder of the embedded store (PGlite), when DATABASE_URL is unset.",
    default: ".conveyor",
  }),
  CONVEYOR_DB_CONNECT_TIMEOUT: setting(secondsAsMs(), {
    group: "store",
    description: "Seconds connecting to PostgreSQL may take before the command gives up, naming the server.",
    default: "10",
  }),
  CONVEYOR_RETENTION: setting(parsed(retentionPolicy, 'an age (30d), a count ("1000 runs") or both ("30d,1000 runs")'), {
    group: "store",
    description: "How long finished runs are kept: conveyor prune and serve's background pruning delete the others (docs/retention.md).",
    unsetMeans: "every run is kept",
  }),
  CONVEYOR_RETENTION_ACTION: setting(oneOf(["delete", "archive"]), {
    group: "store",
    description:
      "What happens to finished runs past CONVEYOR_RETENTION: deleted, or archived (one compressed row each, still readable; docs/retention.md).",
    default: "delete",
  }),
  CONVEYOR_MEMO_TTL: setting(age(), {
    group: "store",
    description:
      "How long a cached task result (the memo cache) is reused: an older one is no hit, and serve's background pruning removes it.",
    unsetMeans: "cached results never expire",
  }),
  CONVEYOR_MEMO_MAX_ENTRIES: setting(count(), {
    group: "store",
    description: "Most memo cache entries kept: serve's background pruning removes the oldest beyond it.",
    unsetMeans: "no limit",
  }),
  // engine
  CONVEYOR_LEASE_MS: setting(ms(1_000), {
    group: "engine",
    description: "How long a run's lease lasts unrenewed, in ms: how soon another process takes over the runs of one that died.",
    default: "15000",
  }),
  CONVEYOR_DB_OUTAGE_BUDGET: setting(durationAsMs("a duration such as 60s, 2m or 1500ms (or 0 to stop at once)"), {
    group: "engine",
    description: "How long a run rides through a database outage before this process stops it, resumable.",
    default: "60s",
  }),
  CONVEYOR_LOG_LEVEL: setting(oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]), {
    group: "engine",
    description: "Level of the JSON log on stderr.",
    unsetMeans: "warn (info for conveyor serve)",
  }),
  // argo
  CONVEYOR_ARGO_NAMESPACE: setting(text("a Kubernetes namespace"), {
    group: "argo",
    description: "Enables the argo executor (--executor argo), running tasks as Argo Workflows in this namespace.",
    unsetMeans: "no argo executor",
  }),
  CONVEYOR_ARGO_IMAGE: setting(text("a container image"), {
    group: "argo",
    description: "Task runner image of Argo runs.",
    default: "ghcr.io/example/task-runner:latest",
  }),
  CONVEYOR_ARGO_TEMPLATE: setting(text("a WorkflowTemplate name"), {
    group: "argo",
    description: "WorkflowTemplate holding the run-task template.",
    default: "multi-task-processor",
  }),
  KUBECONFIG: setting(text("a kubeconfig file path"), {
    group: "argo",
    description: "Cluster access for Argo runs.",
    unsetMeans: "~/.kube/config, else the in-cluster service account",
    readBy: "@kubernetes/client-node",
  }),
  // api
  CONVEYOR_API_HOST: setting(text("a host name or address"), {
    group: "api",
    description: "Address the API listens on; beyond loopback it needs API tokens.",
    default: "127.0.0.1",
    flag: "--host",
  }),
  CONVEYOR_API_PORT: setting(port(), {
    group: "api",
    description: "Port the API listens on (0: any free port).",
    unsetMeans: "PORT",
    flag: "--port",
  }),
  PORT: setting(port(), {
    group: "api",
    description: "Port the API listens on when CONVEYOR_API_PORT is unset (as hosting platforms set it).",
    default: "4000",
  }),
  CONVEYOR_TASKS: setting(text("a tasks.json path or a project folder"), {
    group: "api",
    description: "The server's Task Master project, for start requests that name no source.",
    unsetMeans: "none: requests name their tasks",
    flag: "--tasks",
  }),
  REDIS_URL: setting(url(["redis:", "rediss:"], "a redis:// or rediss:// URL, or a unix socket's path", true), {
    group: "api",
    description: "Redis carrying events across API replicas.",
    unsetMeans: "events stay in this process",
    secret: "url",
    flag: "--redis",
  }),
  CONVEYOR_API_TOKENS: setting(tokens(), {
    group: "api",
    description: "Bearer tokens as sha256 hashes with scopes (name:read+write:hash, comma-separated).",
    unsetMeans: "none: loopback only, open",
    secret: "value",
  }),
  CONVEYOR_API_TOKENS_FILE: setting(text("a JSON file path"), {
    group: "api",
    description: "A JSON array of {name, scopes, sha256} tokens, added to CONVEYOR_API_TOKENS.",
    unsetMeans: "none",
  }),
  CONVEYOR_API_MAX_DEPTH: setting(count(), { group: "api", description: "Deepest selection a query may have.", default: "12" }),
  CONVEYOR_API_MAX_COST: setting(count(), { group: "api", description: "Highest estimated cost of a query.", default: "20000" }),
  CONVEYOR_API_MAX_TOKENS: setting(count(), {
    group: "api",
    description: "Most lexical tokens in a GraphQL document, checked before parsing.",
    default: "10000",
  }),
  CONVEYOR_API_MAX_NESTING: setting(count(), {
    group: "api",
    description: "Deepest bracket nesting in a GraphQL document, checked before parsing.",
    default: "64",
  }),
  CONVEYOR_API_MAX_JSON_NESTING: setting(count(), {
    group: "api",
    description: "Deepest nesting of arrays and objects in a JSON body.",
    default: "64",
  }),
  CONVEYOR_API_PARSE_CACHE_BYTES: setting(count(), {
    group: "api",
    description: "Bytes the GraphQL parse and validation caches may hold together.",
    default: String(32 * 1024 * 1024),
  }),
  CONVEYOR_API_BODY_LIMIT: setting(count(), { group: "api", description: "Largest request body, in bytes.", default: String(1024 * 1024) }),
  CONVEYOR_API_MAX_SUBSCRIPTIONS: setting(count(), {
    group: "api",
    description: "Subscriptions one WebSocket connection may hold.",
    default: "100",
  }),
  CONVEYOR_API_GRAPHIQL: setting(boolean(), { group: "api", description: "Serve GraphiQL at /graphql to browsers.", default: "true" }),
  CONVEYOR_API_INTROSPECTION: setting(boolean(), { group: "api", description: "Answer introspection queries.", default: "true" }),
  CONVEYOR_API_PROGRESS_INTERVAL_MS: setting(ms(1), {
    group: "api",
    description: "A run's progress snapshots go out at most this often, in ms.",
    default: "250",
  }),
  CONVEYOR_API_EVENT_POLL_MS: setting(ms(1), {
    group: "api",
    description: "An idle run's event feed re-reads the database this often, in ms.",
    default: "3000",
  }),
  CONVEYOR_API_EVENT_BATCH_MS: setting(ms(0), {
    group: "api",
    description: "runEventBatches gathers live events this long, in ms.",
    default: "20",
  }),
  CONVEYOR_API_EVENT_RETAIN: setting(count(1), {
    group: "api",
    description:
      "Events of each followed run a server keeps in memory: a live runEvents or runEventBatches subscriber that falls further behind is dropped (SUBSCRIBER_DROPPED) and resubscribes with after.",
    default: "10000",
  }),
  CONVEYOR_API_EVENT_MAX_BATCH: setting(count(1), {
    group: "api",
    description: "Most events in one runEventBatches list (a subscriber behind gets its backlog in lists this long).",
    default: "2000",
  }),
  CONVEYOR_API_FAST_PATHS: setting(boolean(), {
    group: "api",
    description:
      "Serve through the fast paths tied to Yoga and graphql-ws internals (src/api/fast/): plain JSON queries past Yoga's fetch layer, subscription results executed and encoded once for all. Off: plain Yoga and graphql-ws, same answers.",
    default: "true",
  }),
  CONVEYOR_API_DRAIN_MS: setting(ms(0), {
    group: "api",
    description: "Graceful shutdown waits this long for mutations in flight, in ms.",
    default: "10000",
  }),
  // webhooks and browsers
  CONVEYOR_CORS_ORIGINS: setting(
    parsed((t) => parseCorsOrigins(t, ""), "comma-separated origins such as https://app.example.com"),
    {
      group: "api",
      description: "Browser origins allowed to call the API (CORS allow-list).",
      default: "",
      unsetMeans: "none: same-origin only",
    },
  ),
  CONVEYOR_WEBHOOKS: setting(text("a JSON array of endpoints, inline or in the file this names"), {
    group: "webhooks",
    description:
      "Webhook endpoints managed by configuration: [{id, url, events, secret, description?, sources?, tags?}] (docs/webhooks.md).",
    unsetMeans: "none: endpoints come from the API only",
    secret: "value",
  }),
  CONVEYOR_WEBHOOK_ALLOW_PRIVATE: setting(boolean(), {
    group: "webhooks",
    description: "Let webhooks target private, loopback and link-local addresses.",
    default: "false",
  }),
  CONVEYOR_WEBHOOK_TIMEOUT: setting(durationAsMs("a duration such as 10s or 500ms (at least 100ms)", 100), {
    group: "webhooks",
    description: "How long one delivery request may take, connection to last byte.",
    default: "10s",
  }),
  CONVEYOR_WEBHOOK_BACKOFF_BASE: setting(durationAsMs("a duration such as 30s or 200ms (at least 1ms)", 1), {
    group: "webhooks",
    description: "The first retry's delay; each next one doubles, with jitter, up to 4 hours.",
    default: "30s",
  }),
  CONVEYOR_WEBHOOK_MAX_ATTEMPTS: setting(wholeNumber({ min: 1, max: 100 }), {
    group: "webhooks",
    description: "Tries of one delivery before it is dead-lettered (redeliverWebhook replays it).",
    default: "12",
  }),
  CONVEYOR_WEBHOOK_STALL_AFTER: setting(durationAsMs("a duration such as 30m or 90s (at least 1s)", 1_000), {
    group: "webhooks",
    description: "A running run without progress this long is reported as run.stalled.",
    default: "30m",
  }),
  CONVEYOR_WEBHOOK_POLL: setting(durationAsMs("a duration such as 1s or 200ms (at least 10ms)", 10), {
    group: "webhooks",
    description: "How often each replica looks for deliveries due and for endpoints changed elsewhere.",
    default: "1s",
  }),
  // clients
  CONVEYOR_SERVER: setting(url(["http:", "https:", "ws:", "wss:"], "an http(s):// or ws(s):// URL such as http://127.0.0.1:4000"), {
    group: "client",
    description: "The server watch and logs --follow talk to.",
    unsetMeans: "http://127.0.0.1:4000 for watch; logs --follow needs one",
    secret: "url",
    flag: "--server",
  }),
  CONVEYOR_TOKEN: setting(text("a bearer token"), {
    group: "client",
    description: "Bearer token sent to that server.",
    unsetMeans: "none",
    secret: "value",
    flag: "--token",
  }),
  // tracing: the standard OTEL_* variables, read as text and interpreted by
  // src/observability/tracing-settings.ts (on only when an endpoint or exporter is named)
  OTEL_EXPORTER_OTLP_ENDPOINT: setting(text("an http(s) URL"), {
    group: "tracing",
    description: "OTLP/HTTP collector base URL; spans go to <url>/v1/traces. Setting it turns tracing on.",
    unsetMeans: "tracing off",
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: setting(text("an http(s) URL"), {
    group: "tracing",
    description: "The traces endpoint itself (wins over OTEL_EXPORTER_OTLP_ENDPOINT). Setting it turns tracing on.",
    unsetMeans: "from OTEL_EXPORTER_OTLP_ENDPOINT",
  }),
  OTEL_TRACES_EXPORTER: setting(text("otlp or none"), {
    group: "tracing",
    description: "otlp: trace to the default endpoint (http://localhost:4318) unless one is set; none: off.",
    unsetMeans: "otlp when an endpoint is set, else off",
  }),
  OTEL_SDK_DISABLED: setting(text("true or false"), {
    group: "tracing",
    description: "true turns tracing off whatever else is set.",
    unsetMeans: "false",
  }),
  OTEL_EXPORTER_OTLP_PROTOCOL: setting(text("http/protobuf or http/json"), {
    group: "tracing",
    description: "How spans are encoded.",
    unsetMeans: "http/protobuf",
  }),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: setting(text("http/protobuf or http/json"), {
    group: "tracing",
    description: "The same, for traces only (wins).",
    unsetMeans: "OTEL_EXPORTER_OTLP_PROTOCOL",
  }),
  OTEL_EXPORTER_OTLP_TIMEOUT: setting(text("a whole number of milliseconds"), {
    group: "tracing",
    description: "How long one export may take, retries included.",
    unsetMeans: "10000",
  }),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: setting(text("a whole number of milliseconds"), {
    group: "tracing",
    description: "The same, for traces only (wins).",
    unsetMeans: "OTEL_EXPORTER_OTLP_TIMEOUT",
  }),
  OTEL_SERVICE_NAME: setting(text("a name"), { group: "tracing", description: "The service name on every span.", unsetMeans: "conveyor" }),
  // command line
  CONVEYOR_OPEN_NOTICE_MS: setting(ms(0), {
    group: "cli",
    description:
      "On a terminal, how long after a command starts it says what the store's opening waits for, if it still does (0: at once).",
    default: "300",
  }),
  CONVEYOR_DEBUG: setting(boolean(), {
    group: "cli",
    description: "Print the stack trace of an unexpected error.",
    default: "false",
    flag: "--debug",
  }),
};

export type SettingName = keyof typeof SETTINGS;
export type Settings = { [K in SettingName]: (typeof SETTINGS)[K] extends Setting<infer T> ? T : never };
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

let schema: z.ZodType<Settings> | undefined;

/** The one schema of every setting, built when settings are first parsed. */
export function settingsSchema(): z.ZodType<Settings> {
  schema ??= z.object(Object.fromEntries(SETTING_NAMES.map((name) => [name, SETTINGS[name].schema()]))) as unknown as z.ZodType<Settings>;
  return schema;
}
