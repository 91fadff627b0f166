// The webhook settings from the environment: CONVEYOR_WEBHOOKS inline or as a file, and
// every bad value refused by name before anything opens.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "../../src/core/errors.js";
import { nextDelay } from "../../src/notifications/backoff.js";
import { loadSettings, SettingsError } from "../../src/config.js";
import { webhookSettingsFrom } from "../../src/notifications/settings.js";
import { tempDir } from "../support/databases.js";

const fromEnv = (env: Record<string, string>) => webhookSettingsFrom(loadSettings(env));

/** Each environment is refused with an error of that class whose message matches. */
function expectRefusals(cases: [Record<string, string>, RegExp][], type: abstract new (...a: never[]) => Error): void {
  for (const [env, message] of cases) {
    let err: unknown;
    try {
      fromEnv(env);
    } catch (e) {
      err = e;
    }
    expect(err, JSON.stringify(env)).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(message);
  }
}
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const hook = { id: "ops", url: "https://hooks.example.com/c", events: ["run.failed"], secret: SECRET };

describe("webhook settings", () => {
  it("reads endpoints inline or from a file, and the defaults", () => {
    const inline = fromEnv({ CONVEYOR_WEBHOOKS: JSON.stringify([{ ...hook, tags: ["nightly"] }]) });
    expect(inline.endpoints).toEqual([
      {
        id: "ops",
        url: "https://hooks.example.com/c",
        events: ["run.failed"],
        secret: SECRET,
        managedBy: "config",
        description: null,
        sources: [],
        tags: ["nightly"],
      },
    ]);
    expect(inline).toMatchObject({
      allowPrivate: false,
      timeoutMs: 10_000,
      backoffBaseMs: 30_000,
      maxAttempts: 12,
      stallAfterMs: 1_800_000,
      pollMs: 1_000,
    });
    const file = join(tempDir(), "hooks.json");
    writeFileSync(file, JSON.stringify([hook]));
    expect(fromEnv({ CONVEYOR_WEBHOOKS: file }).endpoints.map((e) => e.id)).toEqual(["ops"]);
    const s = fromEnv({
      CONVEYOR_WEBHOOK_ALLOW_PRIVATE: "true",
      CONVEYOR_WEBHOOK_BACKOFF_BASE: "200ms",
      CONVEYOR_WEBHOOK_STALL_AFTER: "5m",
      CONVEYOR_WEBHOOK_MAX_ATTEMPTS: "3",
    });
    expect(s).toMatchObject({ allowPrivate: true, backoffBaseMs: 200, stallAfterMs: 300_000, maxAttempts: 3 });
  });

  it("refuses bad values naming the setting and the part", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ CONVEYOR_WEBHOOKS: "[{" }, /^CONVEYOR_WEBHOOKS: not valid JSON/],
      [{ CONVEYOR_WEBHOOKS: "/nonexistent/hooks.json" }, /cannot read \/nonexistent\/hooks.json \(ENOENT\)/],
      [{ CONVEYOR_WEBHOOKS: JSON.stringify([{ ...hook, secret: "hunter2" }]) }, /endpoint 0 \(ops\): secret: whsec_/],
      [
        { CONVEYOR_WEBHOOKS: JSON.stringify([{ ...hook, events: ["run.done"] }]) },
        /endpoint 0 \(ops\): events: unknown event type "run.done"/,
      ],
      [{ CONVEYOR_WEBHOOKS: JSON.stringify([{ ...hook, url: "http://10.0.0.1/" }]) }, /url: 10.0.0.1 is a private address/],
      [{ CONVEYOR_WEBHOOKS: JSON.stringify([hook, hook]) }, /id: "ops" appears twice/],
      [{ CONVEYOR_WEBHOOKS: JSON.stringify([{ ...hook, colour: "red" }]) }, /at 0: Unrecognized key/],
    ];
    expectRefusals(cases, InvalidOptionError);
  });

  it("refuses bad timings and switches through the settings schema, naming the variable", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ CONVEYOR_WEBHOOK_ALLOW_PRIVATE: "maybe" }, /CONVEYOR_WEBHOOK_ALLOW_PRIVATE: one of 1, true/],
      [{ CONVEYOR_WEBHOOK_TIMEOUT: "soon" }, /CONVEYOR_WEBHOOK_TIMEOUT: a duration/],
      [{ CONVEYOR_WEBHOOK_TIMEOUT: "5ms" }, /CONVEYOR_WEBHOOK_TIMEOUT: a duration such as 10s or 500ms \(at least 100ms\)/],
      [{ CONVEYOR_WEBHOOK_MAX_ATTEMPTS: "0" }, /CONVEYOR_WEBHOOK_MAX_ATTEMPTS: a whole number/],
    ];
    expectRefusals(cases, SettingsError);
  });

  it("backs off exponentially with jitter, capped, then gives up", () => {
    const p = { baseMs: 30_000, capMs: 4 * 3_600_000, maxAttempts: 12 };
    expect([1, 2, 3].map((n) => nextDelay(p, n, () => 0))).toEqual([15_000, 30_000, 60_000]);
    expect([1, 2, 3].map((n) => nextDelay(p, n, () => 1))).toEqual([30_000, 60_000, 120_000]);
    expect(nextDelay(p, 11, () => 1)).toBe(4 * 3_600_000);
    expect(nextDelay(p, 12)).toBeNull();
    const total = Array.from({ length: 11 }, (_, i) => nextDelay(p, i + 1, () => 0.5)!).reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(6); // hours of retries before the dead letter
  });
});
