// Setup mistakes through the installed command (bin/conveyor.js, compiled by
// `npm run build`): each is refused before anything is recorded, in a line or two
// naming the setting and what to do, exit 2, never a stack trace. Read-only,
// permission and disk-full cases need root (mount, runuser): where that is not
// possible they are skipped with a loud line.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConveyor, type Finished } from "../support/conveyor-process.js";
import { POSTGRES_ADMIN_URL, postgresReachable, tempDir } from "../support/databases.js";

const AS_INSTALLED = ["bin/conveyor.js"];
const ONE_TASK = JSON.stringify([{ id: "a", dependencies: [], command: "true" }]);
const conveyor = (args: string[], env: Record<string, string>) => runConveyor(args, env, AS_INSTALLED);

/** One or two lines, naming `what`, no stack frames. */
function plainRefusal(r: Finished, ...what: (string | RegExp)[]): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain("[object Object]");
  for (const w of what) expect(r.stderr).toMatch(w);
}

const root = tempDir("conveyor-setup-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a local run that cannot work is refused before it is recorded", { timeout: 180_000 }, () => {
  const dataDir = join(root, "store");

  it("refuses tasks without a command, naming them and --command", async () => {
    const r = await conveyor(["run", "--inline", '["a","b"]'], { CONVEYOR_DATA_DIR: dataDir });
    plainRefusal(r, /tasks a, b have no command/, /--command/);
    expect(r.stdout).not.toMatch(/^run /m);
  });

  it("refuses a --cwd that does not exist or is a file", async () => {
    const missing = await conveyor(["run", "--inline", ONE_TASK, "--cwd", join(root, "nope")], { CONVEYOR_DATA_DIR: dataDir });
    plainRefusal(missing, /cwd: .*nope does not exist/);
    const file = join(root, "a-file");
    writeFileSync(file, "");
    const notDir = await conveyor(["run", "--inline", ONE_TASK, "--cwd", file], { CONVEYOR_DATA_DIR: dataDir });
    plainRefusal(notDir, /cwd: .*a-file is not a folder/);
  });

  it("recorded none of them", async () => {
    const r = await conveyor(["runs", "--json"], { CONVEYOR_DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

// each case starts one or two whole processes on PGlite: seconds each, many more on a loaded machine
describe("an embedded store folder that cannot be used", { timeout: 180_000 }, () => {
  it("is a file", async () => {
    const file = join(root, "store-file");
    writeFileSync(file, "");
    plainRefusal(await conveyor(["runs"], { CONVEYOR_DATA_DIR: file }), /store-file \(CONVEYOR_DATA_DIR\) is not a folder/);
  });

  it("is not writable by the user", async (ctx) => {
    if (process.getuid?.() !== 0 || spawnSync("runuser", ["--help"]).error) {
      console.warn("\n!!! not root or no runuser: the permission case is SKIPPED\n");
      return ctx.skip();
    }
    // the unprivileged user must reach the checkout's code (a clone in a private folder it cannot)
    const bin = join(process.cwd(), AS_INSTALLED[0]!);
    if (spawnSync("runuser", ["-u", "nobody", "--", "test", "-r", bin]).status !== 0) {
      const why = `the user nobody cannot read ${bin} (a checkout inside a private folder)`;
      if (process.env.CI === "true") throw new Error(`${why}: the permission case is required under CI`);
      console.warn(`\n!!! ${why}: the permission case is SKIPPED\n`);
      return ctx.skip();
    }
    const dir = join(root, "root-only");
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    chmodSync(root, 0o755);
    const r = await new Promise<Finished>((resolve) => {
      const p = spawn("runuser", ["-u", "nobody", "--", process.execPath, ...AS_INSTALLED, "runs"], {
        env: { ...process.env, CONVEYOR_DATA_DIR: dir },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d: Buffer) => (stdout += d));
      p.stderr.on("data", (d: Buffer) => (stderr += d));
      p.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    plainRefusal(r, /root-only \(CONVEYOR_DATA_DIR\) is not writable by this user/, /grant write access/);
  });

  describe("on file systems mounted for the test", () => {
    const mounts: string[] = [];
    let canMount = false;
    beforeAll(() => {
      const probe = join(root, "probe");
      mkdirSync(probe);
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "ignore" });
        execFileSync("umount", [probe]);
        canMount = true;
      } catch {
        console.warn("\n!!! mount is not permitted here: the read-only and disk-full cases are SKIPPED\n");
      }
    });
    afterAll(() => {
      for (const m of mounts.reverse()) spawnSync("umount", [m]);
    });

    it("is read-only: a read command says plainly that it cannot open it", async (ctx) => {
      if (!canMount) return ctx.skip();
      // a real store, made writable, then seen through a read-only bind mount
      const source = join(root, "ro-source");
      const made = await conveyor(["run", "--inline", ONE_TASK], { CONVEYOR_DATA_DIR: source });
      expect(made.code, made.stderr).toBe(0);
      const view = join(root, "ro-view");
      mkdirSync(view);
      execFileSync("mount", ["--bind", source, view]);
      mounts.push(view);
      execFileSync("mount", ["-o", "remount,bind,ro", view]);
      const r = await conveyor(["runs"], { CONVEYOR_DATA_DIR: view });
      plainRefusal(r, /ro-view \(CONVEYOR_DATA_DIR\) is on a read-only file system/, /writes even to read/);
    });

    it("is on a full disk; once there is room the store is made afresh", async (ctx) => {
      if (!canMount) return ctx.skip();
      const disk = join(root, "small-disk");
      mkdirSync(disk);
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", disk]);
      mounts.push(disk);
      const store = join(disk, "store");
      plainRefusal(
        await conveyor(["runs"], { CONVEYOR_DATA_DIR: store }),
        /disk holding the embedded store .*store \(CONVEYOR_DATA_DIR\) is full/,
      );
      // the seed was cut short: with room, the next start unpacks it again instead of failing on a broken store
      execFileSync("mount", ["-o", "remount,size=128m", disk]);
      const r = await conveyor(["run", "--inline", ONE_TASK], { CONVEYOR_DATA_DIR: store });
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(store)).not.toContain("conveyor-seeding");
    });
  });
});

describe("a DATABASE_URL that cannot be used", () => {
  let silent: Server;
  let silentPort = 0;
  const held = new Set<Socket>();
  beforeAll(async () => {
    // accepts connections and never answers
    silent = createServer((socket) => {
      held.add(socket);
      socket.on("close", () => held.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(() => {
    for (const socket of held) socket.destroy();
    return new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("is not a URL", async () => {
    plainRefusal(await conveyor(["runs"], { DATABASE_URL: "localhost:5432" }), /DATABASE_URL/);
  });

  it("points at a closed port", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await conveyor(["runs"], { DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/conveyor` });
    plainRefusal(r, new RegExp(`127\\.0\\.0\\.1:${port}/conveyor \\(DATABASE_URL\\): connection refused`));
  });

  it("names a database that does not exist", async (ctx) => {
    if (!(await postgresReachable())) return ctx.skip();
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = "/conveyor_no_such_database";
    const r = await conveyor(["runs"], { DATABASE_URL: url.toString() });
    plainRefusal(r, /database "conveyor_no_such_database" does not exist; create it/, /DATABASE_URL/);
  });

  it("reaches a server that never answers: refused after CONVEYOR_DB_CONNECT_TIMEOUT", async () => {
    const started = Date.now();
    const r = await conveyor(["runs"], {
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${silentPort}/conveyor`,
      CONVEYOR_DB_CONNECT_TIMEOUT: "1",
    });
    plainRefusal(r, /no answer within 1 s/, /CONVEYOR_DB_CONNECT_TIMEOUT/, /DATABASE_URL/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("refuses a CONVEYOR_DB_CONNECT_TIMEOUT that is not a number of seconds", async () => {
    const r = await conveyor(["runs"], {
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${silentPort}/conveyor`,
      CONVEYOR_DB_CONNECT_TIMEOUT: "soon",
    });
    plainRefusal(r, /CONVEYOR_DB_CONNECT_TIMEOUT: a number of seconds/);
  });
});
