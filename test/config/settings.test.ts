// The settings schema: defaults that agree with the code they configure, bad
// values refused naming the variable and what it allows (never echoing a
// secret), flags checked as their setting, secrets hidden when shown, and the
// docs table generated from the schema kept current.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_DOCUMENT_LIMITS } from "../../src/api/plugins/document-guard.js";
import { DEFAULT_QUERY_LIMITS } from "../../src/api/plugins/limits.js";
import { DEFAULT_PARSE_CACHE_BYTES } from "../../src/api/plugins/parse-cache.js";
import { serverConfig } from "../../src/api/config.js";
import { createApp } from "../../src/app.js";
import { loadSettings, SETTING_NAMES, SETTINGS, SettingsError, withFlag } from "../../src/config.js";
import { describeSettings } from "../../src/config/describe.js";
import { settingsTable, TABLE_END, TABLE_START } from "../../src/config/docs-table.js";
import { TEMPLATE_NAME } from "../../src/executors/argo/workflow-builder.js";
import { DEFAULT_CONNECT_TIMEOUT_MS } from "../../src/storage/postgres-connect.js";
import { thrown } from "../support/thrown.js";

const HASH = "a".repeat(64);
const refusal = (env: Record<string, string>) => thrown(() => loadSettings(env)) as SettingsError;

describe("settings", () => {
  it("default to what the code they configure uses without them", () => {
    const s = loadSettings({});
    expect(s.CONVEYOR_DATA_DIR).toBe(".conveyor");
    expect(s.CONVEYOR_DB_CONNECT_TIMEOUT).toBe(DEFAULT_CONNECT_TIMEOUT_MS);
    expect([s.CONVEYOR_LEASE_MS, s.CONVEYOR_DB_OUTAGE_BUDGET]).toEqual([15_000, 60_000]);
    expect(s.CONVEYOR_ARGO_TEMPLATE).toBe(TEMPLATE_NAME);
    expect(s.CONVEYOR_API_PARSE_CACHE_BYTES).toBe(DEFAULT_PARSE_CACHE_BYTES);
    const api = serverConfig({}, s);
    expect(api.limits).toEqual(DEFAULT_QUERY_LIMITS);
    expect(api.documentLimits).toEqual(DEFAULT_DOCUMENT_LIMITS);
    expect([api.host, api.port, api.graphiql, api.tokens]).toEqual(["127.0.0.1", 4000, true, []]);
    expect([s.CONVEYOR_CORS_ORIGINS, s.CONVEYOR_WEBHOOK_ALLOW_PRIVATE, s.DATABASE_URL, s.REDIS_URL]).toEqual([
      [],
      false,
      undefined,
      undefined,
    ]);
  });

  it("parse each kind of value; blank is unset", () => {
    const s = loadSettings({
      CONVEYOR_DB_OUTAGE_BUDGET: "2m",
      CONVEYOR_DB_CONNECT_TIMEOUT: "1.5",
      CONVEYOR_API_GRAPHIQL: "OFF",
      CONVEYOR_LOG_LEVEL: "Info",
      CONVEYOR_API_PORT: "0",
      PORT: "8080",
      CONVEYOR_LEASE_MS: "  ",
      CONVEYOR_CORS_ORIGINS: "https://app.example.com, http://localhost:3000",
      CONVEYOR_API_TOKENS: `dash:read:${HASH}`,
    });
    expect(s.CONVEYOR_DB_OUTAGE_BUDGET).toBe(120_000);
    expect(s.CONVEYOR_DB_CONNECT_TIMEOUT).toBe(1_500);
    expect([s.CONVEYOR_API_GRAPHIQL, s.CONVEYOR_LOG_LEVEL, s.CONVEYOR_LEASE_MS]).toEqual([false, "info", 15_000]);
    expect(serverConfig({}, s).port).toBe(0);
    expect(serverConfig({}, loadSettings({ PORT: "8080" })).port).toBe(8080);
    expect(s.CONVEYOR_CORS_ORIGINS).toEqual(["https://app.example.com", "http://localhost:3000"]);
    expect(s.CONVEYOR_API_TOKENS).toEqual([{ name: "dash", scopes: ["read"], sha256: HASH }]);
  });

  it("refuse a bad value naming the variable, what it allows and what it got; every bad one at once", () => {
    expect(refusal({ CONVEYOR_LEASE_MS: "15s" }).message).toBe(
      'CONVEYOR_LEASE_MS: a whole number of milliseconds, at least 1000, not "15s"',
    );
    const two = refusal({ CONVEYOR_API_PORT: "70000", CONVEYOR_API_GRAPHIQL: "maybe" });
    expect(two.problems.map((p) => p.name)).toEqual(["CONVEYOR_API_PORT", "CONVEYOR_API_GRAPHIQL"]);
    expect(two.message).toMatch(
      /CONVEYOR_API_PORT: a whole number, from 0 to 65535, not "70000"; CONVEYOR_API_GRAPHIQL: one of 1, true, .* not "maybe"/,
    );
    expect(refusal({ CONVEYOR_DB_OUTAGE_BUDGET: "soon" }).message).toMatch(/^CONVEYOR_DB_OUTAGE_BUDGET: a duration such as 60s/);
    expect(refusal({ CONVEYOR_LOG_LEVEL: "loud" }).message).toMatch(/one of fatal, error, warn, info, debug, trace, silent, not "loud"/);
    expect(refusal({ CONVEYOR_CORS_ORIGINS: "https://a.example.com/path" }).message).toMatch(
      /^CONVEYOR_CORS_ORIGINS: comma-separated origins/,
    );
    expect(refusal({ REDIS_URL: "localhost:6379" }).message).toMatch(/^REDIS_URL: a redis:\/\/ or rediss:\/\/ URL/);
    expect(loadSettings({ REDIS_URL: "/run/redis/redis.sock" }).REDIS_URL).toBe("/run/redis/redis.sock");
  });

  it("never echo a secret in a refusal: a token is left out, a URL's password hidden", () => {
    const token = refusal({ CONVEYOR_API_TOKENS: `ops:admin:${HASH}` });
    expect(token.message).toMatch(
      /^CONVEYOR_API_TOKENS: comma-separated name:scopes:sha256hex entries.*\(token "ops": unknown scope "admin"\)$/,
    );
    const url = refusal({ REDIS_URL: "http://user:hunter2@redis:6379" });
    expect(url.message).toContain('not "http://user:****@redis:6379/"');
    expect(url.message).not.toContain("hunter2");
  });

  it("check a flag as the setting it stands for, naming the flag; an absent flag leaves the setting", () => {
    const s = loadSettings({ CONVEYOR_API_PORT: "5000" });
    expect(withFlag(s, "CONVEYOR_API_PORT", "--port", "6000")).toBe(6000);
    expect(withFlag(s, "CONVEYOR_API_PORT", "--port", undefined)).toBe(5000);
    expect(() => withFlag(s, "CONVEYOR_API_PORT", "--port", "http")).toThrow('--port: a whole number, from 0 to 65535, not "http"');
    expect(() => withFlag(s, "CONVEYOR_SERVER", "--server", "nowhere")).toThrow(/^--server: an http\(s\):\/\/ or ws\(s\):\/\/ URL/);
  });

  it("each have a group, a description and what they allow; each default is itself allowed", () => {
    for (const name of SETTING_NAMES) {
      const meta = SETTINGS[name].meta;
      expect(meta.description.length, name).toBeGreaterThan(10);
      expect(meta.allowed.length, name).toBeGreaterThan(3);
      if (meta.default) expect(() => loadSettings({ [name]: meta.default })).not.toThrow();
    }
  });

  it("are shown with secrets hidden", () => {
    const rows = describeSettings({
      DATABASE_URL: "postgresql://app:s3cret@db:5432/conveyor?sslmode=require&password=other",
      CONVEYOR_TOKEN: "bearer-s3cret",
      CONVEYOR_SERVER: "https://ops:pw@conveyor.example.com",
      CONVEYOR_LEASE_MS: "20000",
    });
    const value = (name: string) => rows.find((r) => r.name === name)!.value;
    expect(value("DATABASE_URL")).toBe("postgresql://app:****@db:5432/conveyor?sslmode=require&password=****");
    expect(value("CONVEYOR_TOKEN")).toBe("****");
    expect(value("CONVEYOR_SERVER")).toBe("https://ops:****@conveyor.example.com/");
    expect(value("CONVEYOR_LEASE_MS")).toBe("20000");
    expect(value("REDIS_URL")).toBeNull();
  });

  it("stop an embedder's createApp before it opens anything when its environment holds a bad one", async () => {
    const saved = process.env.CONVEYOR_DB_OUTAGE_BUDGET;
    process.env.CONVEYOR_DB_OUTAGE_BUDGET = "a while";
    try {
      await expect(createApp({ dataDir: "/nonexistent/conveyor-store" })).rejects.toThrow(/^CONVEYOR_DB_OUTAGE_BUDGET: a duration/);
    } finally {
      if (saved === undefined) delete process.env.CONVEYOR_DB_OUTAGE_BUDGET;
      else process.env.CONVEYOR_DB_OUTAGE_BUDGET = saved;
    }
  });

  it("docs/configuration.md holds the table the schema generates (npm run docs:config)", () => {
    const doc = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");
    const table = doc.slice(doc.indexOf(TABLE_START), doc.indexOf(TABLE_END) + TABLE_END.length);
    expect(table).toBe(settingsTable());
    for (const name of SETTING_NAMES) expect(table).toContain(`\`${name}\``);
  });
});
