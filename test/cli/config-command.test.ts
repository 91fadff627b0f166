// `conveyor config` and the refusal of bad settings, through the command as
// installed (bin/conveyor.js runs dist/: `npm run build` first).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runConveyor } from "../support/conveyor-process.js";
import { tempDir } from "../support/databases.js";

const AS_INSTALLED = ["bin/conveyor.js"];
// a folder that does not exist: a command that opened the store would create it
const untouched = join(tempDir(), "store");
const conveyor = (args: string[], env: Record<string, string> = {}) =>
  runConveyor(args, { CONVEYOR_DATA_DIR: untouched, ...env }, AS_INSTALLED);

/** One `error:` line naming what is wrong, exit 2, no stack trace, nothing opened. */
function refused(r: { code: number | null; stderr: string; stdout: string }, ...what: (string | RegExp)[]) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).toBe("");
  for (const w of what) expect(r.stderr).toMatch(w);
}

describe("conveyor config", () => {
  afterAll(() => expect(existsSync(untouched)).toBe(false));

  it("lists every setting: its value here with secrets hidden, its default and what it does", async () => {
    const r = await conveyor(["config"], {
      DATABASE_URL: "postgresql://app:s3cret@db.example.com:5432/conveyor",
      CONVEYOR_TOKEN: "bearer-s3cret",
      CONVEYOR_LEASE_MS: "20000",
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("s3cret");
    expect(r.stdout).toContain("DATABASE_URL = postgresql://app:****@db.example.com:5432/conveyor (default: the embedded store)");
    expect(r.stdout).toContain("CONVEYOR_TOKEN = ****");
    expect(r.stdout).toContain("CONVEYOR_LEASE_MS = 20000 (default: 15000)");
    expect(r.stdout).toMatch(/CONVEYOR_DB_OUTAGE_BUDGET unset: 60s\n\s+How long a run rides through a database outage/);
    for (const name of ["CONVEYOR_CORS_ORIGINS", "CONVEYOR_WEBHOOK_ALLOW_PRIVATE", "CONVEYOR_API_PARSE_CACHE_BYTES", "REDIS_URL"])
      expect(r.stdout).toContain(name);
  });

  it("--json: one object per setting, with what Conveyor made of each value", async () => {
    const r = await conveyor(["config", "--json"], { CONVEYOR_DB_OUTAGE_BUDGET: "2m", REDIS_URL: "redis://:pw@cache:6379" });
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      name: string;
      value: string | null;
      default: string | null;
      effective: unknown;
      description: string;
    }[];
    const row = (name: string) => rows.find((x) => x.name === name)!;
    expect(row("CONVEYOR_DB_OUTAGE_BUDGET")).toMatchObject({ value: "2m", default: "60s", effective: 120_000 });
    expect(row("CONVEYOR_LEASE_MS")).toMatchObject({ value: null, default: "15000", effective: 15_000 });
    expect(row("REDIS_URL")).toMatchObject({ value: "redis://:****@cache:6379", effective: "redis://:****@cache:6379" });
    expect(rows.every((x) => x.description.length > 0)).toBe(true);
  });

  it("a bad setting stops any command before it opens anything, naming the variable and what it allows", async () => {
    const [config, runs, run] = await Promise.all([
      conveyor(["config"], { CONVEYOR_API_PORT: "http" }),
      conveyor(["runs"], { CONVEYOR_DB_OUTAGE_BUDGET: "a minute" }),
      conveyor(["run", "--inline", '["a"]', "--command", "true"], { CONVEYOR_API_TOKENS: `ops:admin:${"a".repeat(64)}` }),
    ]);
    refused(config, /^error: CONVEYOR_API_PORT: a whole number, from 0 to 65535, not "http"$/m);
    refused(runs, /CONVEYOR_DB_OUTAGE_BUDGET: a duration such as 60s, 2m or 1500ms/);
    refused(run, /CONVEYOR_API_TOKENS: .*unknown scope "admin"/);
  });

  it("a flag standing for a setting is checked as that setting and named as the flag; --help never reads them", async () => {
    const [port, help] = await Promise.all([conveyor(["serve", "--port", "http"]), conveyor(["--help"], { CONVEYOR_LEASE_MS: "soon" })]);
    refused(port, /^error: --port: a whole number, from 0 to 65535, not "http"$/m);
    expect(help.code).toBe(0);
  });
});
