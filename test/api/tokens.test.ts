// Token configuration: hashes only, scopes checked, bad entries refused with the reason.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { can } from "../../src/api/auth/principal.js";
import { loadSettings } from "../../src/config.js";
import { hashToken, parseTokenEntries, TokenAuthenticator, tokensFromSettings } from "../../src/api/auth/tokens.js";

describe("API tokens", () => {
  const h = hashToken("s3cret");

  it("reads name:scopes:sha256 entries from the environment and a JSON file", () => {
    const dir = mkdtempSync(join(tmpdir(), "conveyor-tokens-"));
    const file = join(dir, "tokens.json");
    writeFileSync(file, JSON.stringify([{ name: "ci", scopes: ["write"], sha256: hashToken("ci-token") }]));
    const entries = tokensFromSettings(
      loadSettings({ CONVEYOR_API_TOKENS: `dash:read:${h}, ops:read+write:${h.toUpperCase()}`, CONVEYOR_API_TOKENS_FILE: file }),
    );
    expect(entries.map((e) => [e.name, e.scopes])).toEqual([
      ["dash", ["read"]],
      ["ops", ["read", "write"]],
      ["ci", ["write"]],
    ]);
    expect(entries[1]!.sha256).toBe(h);
  });

  it("refuses malformed entries, naming them", () => {
    expect(() => parseTokenEntries("justaname")).toThrow(/justaname.*name:scopes:sha256hex/);
    expect(() => parseTokenEntries(`x:admin:${h}`)).toThrow(/unknown scope "admin"/);
    expect(() => parseTokenEntries("x:read:s3cret")).toThrow(/64 hex digits/);
  });

  it("authenticates by hash: right token, wrong token, no token, open server", () => {
    const auth = new TokenAuthenticator(parseTokenEntries(`dash:read:${h}`));
    const p = auth.authenticate("Bearer s3cret")!;
    expect([p.name, can(p, "read"), can(p, "write")]).toEqual(["dash", true, false]);
    expect(auth.authenticate("Bearer nope")).toBeNull();
    expect(auth.authenticate("Basic s3cret")).toBeNull();
    expect(auth.authenticate(undefined)!.scopes.size).toBe(0);
    const open = new TokenAuthenticator([]);
    expect(can(open.authenticate(undefined)!, "write")).toBe(true);
  });
});
