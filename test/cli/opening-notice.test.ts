// The line a command shows on a terminal while its store opens: through the
// installed command (bin/conveyor.js runs dist/: `npm run build`) on a real
// terminal (util-linux's script), and the notice itself on a stand-in terminal.
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config.js";
import { openingNotice, openingNoticeFor, openingWhat } from "../../src/cli/opening-notice.js";
import { runConveyor } from "../support/conveyor-process.js";
import { tempDir } from "../support/databases.js";

const AS_INSTALLED = ["bin/conveyor.js"];
const ONE_TASK = JSON.stringify([{ id: "a", dependencies: [], command: "true" }]);
const root = tempDir("conveyor-notice-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A terminal that records what was written to it. */
function fakeTerminal(isTTY = true) {
  const written: string[] = [];
  return { isTTY, written, write: (t: string) => written.push(t) };
}

describe("the opening notice", () => {
  it("shows after its delay and is cleared once the store is open", async () => {
    const term = fakeTerminal();
    const notice = openingNotice("opening the embedded store in x", 20, term);
    expect(term.written).toEqual([]);
    await sleep(60);
    expect(term.written).toEqual(["opening the embedded store in x …"]);
    notice.done();
    expect(term.written).toEqual(["opening the embedded store in x …", "\r\x1b[K"]);
  });

  it("says nothing when the store opens within the delay", async () => {
    const term = fakeTerminal();
    openingNotice("opening", 50, term).done();
    await sleep(80);
    expect(term.written).toEqual([]);
  });

  it("says nothing off a terminal: piped output is only what the command reports", async () => {
    const term = fakeTerminal(false);
    const notice = openingNotice("opening", 0, term);
    await sleep(20);
    notice.done();
    expect(term.written).toEqual([]);
  });

  it("counts its delay from the process's start: a command that took long to get there says so at once", async () => {
    const term = fakeTerminal();
    const elapsed = Math.floor(performance.now());
    const notice = openingNoticeFor({ dataDir: "x", settings: loadSettings({ CONVEYOR_OPEN_NOTICE_MS: String(elapsed - 1) }) }, term);
    await sleep(10);
    expect(term.written).toEqual(["opening the embedded store in x …"]);
    notice.done();
    const later = openingNoticeFor({ dataDir: "x", settings: loadSettings({ CONVEYOR_OPEN_NOTICE_MS: String(elapsed + 60_000) }) }, term);
    await sleep(10);
    later.done();
    expect(term.written).toHaveLength(2);
  });

  it("names PostgreSQL by its setting, never by its URL", () => {
    expect(openingWhat("postgresql://u:secret@db/x", ".conveyor")).toBe("connecting to PostgreSQL (DATABASE_URL)");
    expect(openingWhat(undefined, "/data/store")).toBe("opening the embedded store in /data/store");
  });
});

describe("conveyor run on a terminal", { timeout: 120_000 }, () => {
  // util-linux's script gives the command a terminal
  it.skipIf(!existsSync("/usr/bin/script"))(
    "says what it waits for before the store is open, then clears the line for the run",
    async () => {
      const dataDir = join(root, "new-store");
      const command = `"${process.execPath}" bin/conveyor.js run --inline '${ONE_TASK}' --command true --force`;
      const started = Date.now();
      // 0: the notice shows at once, however fast this machine opens a store
      const term = spawn("/usr/bin/script", ["-qec", command, "/dev/null"], {
        env: { ...process.env, CONVEYOR_DATA_DIR: dataDir, CONVEYOR_OPEN_NOTICE_MS: "0" },
      });
      const chunks: { at: number; text: string }[] = [];
      term.stdout.on("data", (d: Buffer) => chunks.push({ at: Date.now() - started, text: d.toString() }));
      expect(await new Promise((resolve) => term.on("exit", resolve))).toBe(0);
      const out = chunks.map((c) => c.text).join("");
      expect(out.startsWith(`opening the embedded store in ${dataDir} …\r\x1b[Krun `)).toBe(true);
      expect(out).toMatch(/run \S+ succeeded in/);
      // the line came out before the store was open: strictly ahead of the run's first line
      const first = chunks[0]!;
      const runLine = chunks.find((c) => c.text.includes("run "))!;
      expect(first.text.startsWith("opening the embedded store")).toBe(true);
      expect(first.at).toBeLessThan(runLine.at);
    },
  );

  it("refuses a CONVEYOR_OPEN_NOTICE_MS that is not a number of milliseconds", async () => {
    const r = await runConveyor(
      ["run", "--inline", ONE_TASK, "--command", "true"],
      { CONVEYOR_DATA_DIR: join(root, "unused"), CONVEYOR_OPEN_NOTICE_MS: "soon" },
      AS_INSTALLED,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: CONVEYOR_OPEN_NOTICE_MS: a whole number of milliseconds/);
    expect(existsSync(join(root, "unused"))).toBe(false);
  });
});
