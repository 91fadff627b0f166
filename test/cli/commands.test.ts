// The command line as installed (bin/conveyor.js runs dist/: `npm run build`
// first): help and version that never act, did-you-mean, one error style with
// its exit codes, shortened run and checkpoint ids, stored logs, failed tasks'
// stderr in status, output that reaches a pipe whole, and an honest Ctrl-C.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunOptions } from "../../src/core/run-options.js";
import { openDatabase } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { runConveyor } from "../support/conveyor-process.js";
import { makeStore, postgresReachable, tempDir, type TestStore } from "../support/databases.js";
import { eventually } from "../support/engine.js";

const AS_INSTALLED = ["bin/conveyor.js"];
const kind = (await postgresReachable()) ? "postgres" : "pglite";
const COMMANDS = [
  "run",
  "resume",
  "recover",
  "checkpoint",
  "cancel",
  "retry",
  "mark",
  "status",
  "runs",
  "logs",
  "serve",
  "watch",
  "config",
];

describe("help and version", () => {
  // a folder that does not exist: a command that opened the store would create it
  const untouched = join(tempDir(), "store");
  const conveyor = (args: string[]) => runConveyor(args, { CONVEYOR_DATA_DIR: untouched }, AS_INSTALLED);
  afterAll(() => expect(existsSync(untouched)).toBe(false));

  it.concurrent.each(COMMANDS)("%s --help lists its flags and environment, exits 0 and does nothing else", async (command) => {
    const r = await conveyor([command, "--help"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: conveyor ${command} `));
    expect(r.stdout).toContain("Environment:");
    expect(r.stdout).toContain("CONVEYOR_DEBUG");
    expect(r.stdout).toContain("--debug");
  });

  it("shows each flag's default and the variables a command reads", async () => {
    const [run, serve, watch, logs] = await Promise.all(["run", "serve", "watch", "logs"].map((c) => conveyor(["help", c])));
    expect([run, serve, watch, logs].map((r) => r!.code)).toEqual([0, 0, 0, 0]);
    expect(run!.stdout).toMatch(/-p, --parallel <n>\s+run at most n tasks at once \(default: 1\)/);
    expect(run!.stdout).toMatch(/--retries <n>\s+retries of a failed task \(default: 2\)/);
    expect(run!.stdout).toMatch(/--cancel-grace <duration>[\s\S]*\(default: 5s\)/);
    for (const name of ["CONVEYOR_DATA_DIR", "DATABASE_URL", "CONVEYOR_LEASE_MS", "CONVEYOR_ARGO_NAMESPACE"])
      expect(run!.stdout).toContain(name);
    for (const name of ["REDIS_URL", "CONVEYOR_API_TOKENS", "CONVEYOR_API_PORT"]) expect(serve!.stdout).toContain(name);
    expect(watch!.stdout).toContain("CONVEYOR_SERVER");
    expect(logs!.stdout).toMatch(/--lines <n>\s+without a task: lines of stderr shown per failed task\s+\(default: 10\)/);
    expect(logs!.stdout).toContain("--follow");
  });

  it("--version prints package.json's version", async () => {
    const r = await conveyor(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${(JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version}\n`);
  });

  it.concurrent.each([
    [["statsu", "x"], "error: unknown command 'statsu'\n(Did you mean status?)"],
    [["run", "--paralel", "2"], "error: unknown option '--paralel'\n(Did you mean --parallel?)"],
    [["status"], "error: missing required argument 'run'"],
    [["status", "a", "b"], "error: too many arguments for 'status'"],
    [
      ["mark", "r", "t", "finished"],
      "error: command-argument value 'finished' is invalid for argument 'as'. Allowed choices are done, skipped.",
    ],
  ])("%j is refused with exit 2, suggesting what was meant", async (args, message) => {
    const r = await conveyor(args);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(message)).toBe(true);
    expect(r.stdout).toBe("");
  });

  it("no command: the usage on stderr, exit 2", async () => {
    const r = await conveyor([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage: conveyor [options] [command]");
  });
});

describe(`stored runs (${kind})`, () => {
  let store: TestStore;
  let env: Record<string, string>;
  const conveyor = (args: string[], extra: Record<string, string> = {}) => runConveyor(args, { ...env, ...extra }, AS_INSTALLED);
  const work = tempDir();
  let runId = "";

  beforeAll(async () => {
    store = await makeStore(kind);
    env = store.config.databaseUrl ? { DATABASE_URL: store.config.databaseUrl } : { CONVEYOR_DATA_DIR: store.config.dataDir! };
    // two runs whose ids share a prefix, written straight into the store (ids are random otherwise)
    const db = await openDatabase({
      ...(store.config.databaseUrl ? { url: store.config.databaseUrl } : { dataDir: store.config.dataDir! }),
    });
    const runs = new PrismaRunStore(db);
    for (const id of ["abc1-first", "abc2-second"]) {
      await runs.createRun(
        { id, options: parseRunOptions({}), source: { origin: "test", format: "inline", warnings: [] }, units: [], createdAt: Date.now() },
        "test",
        1_000,
      );
      await runs.releaseLease(id, "test");
    }
    await db.close();
    // task bad writes seven lines to stderr, then runs a command that does not exist (exit 127)
    const tasks = JSON.stringify([{ id: "ok" }, { id: "bad" }]);
    const command = `echo out-{id}; test {id} = ok && exit 0; for i in 1 2 3 4 5 6; do echo e$i >&2; done; no-such-command-xyz`;
    const r = await conveyor([
      "run",
      "--inline",
      tasks,
      "--command",
      command,
      "--retries",
      "1",
      "--retry-delay",
      "10ms",
      "--continue-on-error",
    ]);
    expect(r.code).toBe(1);
    runId = /^run (\S+): 2 tasks$/m.exec(r.stdout)![1]!;
  }, 180_000);
  afterAll(() => store?.dispose());

  it("status shows a failed task's exit code and the last 5 lines of its stderr", async () => {
    const r = await conveyor(["status", runId.slice(0, 8)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^bad\s+failed\s+2\s+.*exited with code 127\n {4}\| e3\n {4}\| e4\n {4}\| e5\n {4}\| e6\n {4}\| .*no-such-command-xyz.*not found\n/m,
    );
    expect(r.stdout).not.toContain("| e2");
  });

  it("a shortened run id works when only one run starts with it; an ambiguous one is refused naming the candidates", async () => {
    const ambiguous = await conveyor(["status", "abc"]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toBe('error: run id "abc" is ambiguous: it starts abc1-first, abc2-second (give more of it)\n');
    const one = await conveyor(["status", "abc2"]);
    expect(one.code).toBe(0);
    // stored with no driver's lease, the run shows as interrupted
    expect(one.stdout).toContain("run abc2-second interrupted");
  });

  it.each([["status"], ["logs"], ["cancel"], ["checkpoint"], ["resume"]])(
    "%s of an unknown run exits 2 with error:, a LIKE wildcard too",
    async (command) => {
      for (const id of ["no-such-run", "%"]) {
        const r = await conveyor([command, id]);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`error: run not found: ${id}\n`);
        expect(r.stdout).toBe("");
      }
    },
  );

  it("logs prints every attempt's stored stdout and stderr, or one attempt", async () => {
    const all = await conveyor(["logs", runId.slice(0, 6), "bad"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(
      /^== task bad attempt 1: failed, exit code 127, .*\n-- stdout:\nout-bad\n-- stderr:\ne1\ne2\ne3\ne4\ne5\ne6\n.*not found\n== task bad attempt 2: failed, exit code 127/,
    );
    const second = await conveyor(["logs", runId, "bad", "--attempt", "2"]);
    expect(second.stdout).toMatch(/^== task bad attempt 2: /);
    expect(second.stdout).not.toContain("attempt 1");
    const json = JSON.parse((await conveyor(["logs", runId, "ok", "--json"])).stdout) as {
      number: number;
      stdoutTail: string;
      exitCode: number;
    }[];
    expect(json).toEqual([expect.objectContaining({ number: 1, exitCode: 0, stdoutTail: "out-ok\n" })]);
  });

  it("logs of a run lists its failed tasks with the end of their stderr", async () => {
    const r = await conveyor(["logs", runId, "--lines", "2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^== task bad: exited with code 127 \(attempt 2\)\n {4}\| e6\n {4}\| .*not found\n/);
    expect(r.stdout).not.toContain("task ok");
  });

  it.each([
    [["bad", "--attempt", "3"], /^error: task bad of run \S+ has no attempt 3 \(it has 2\)\n$/],
    [["nope"], /^error: run \S+ has no task nope\n$/],
    [["bad", "--attempt", "zero"], /^error: --attempt: "zero" is not a positive whole number\n$/],
    [["bad", "--follow"], /^error: --follow streams output live from a running server: give --server <url>/],
  ])("logs %j exits 2 naming what is wrong", async (extra, message) => {
    const r = await conveyor(["logs", runId, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("checkpoint and resume --checkpoint take shortened ids", async () => {
    const c = await conveyor(["checkpoint", runId.slice(0, 8)]);
    expect(c.code).toBe(0);
    const checkpointId = /^checkpoint (\S+)\n$/.exec(c.stdout)![1]!;
    const unknown = await conveyor(["resume", runId.slice(0, 8), "--checkpoint", "zz"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`error: run ${runId} has no checkpoint zz\n`);
    const r = await conveyor(["resume", runId.slice(0, 8), "--checkpoint", checkpointId.slice(0, 6)]);
    expect(r.stdout).toContain(`run ${runId} resumed\n`);
    expect(r.code).toBe(1); // bad fails again
  }, 120_000);

  it("a run option's error names the flag; a list of 10,000 unknown ids is cut", async () => {
    const parallel = await conveyor(["run", "--inline", '["a"]', "--command", "true", "--parallel", "0"]);
    expect(parallel.code).toBe(2);
    expect(parallel.stderr).toMatch(/^error: --parallel: too small: expected number to be >=1\n$/);
    const many = await conveyor(["run", "--inline", '["a"]', "--command", "true", "--select", "1-10000"]);
    expect(many.code).toBe(2);
    expect(many.stderr).toBe("error: unknown task ids: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 … and 9,990 more\n");
  });

  it("status --json of over 1 MB reaches a pipe whole", async () => {
    // 14 tasks with 90 KB titles (each under the kernel's 128 KB limit on one environment string)
    const file = join(work, "big.json");
    writeFileSync(file, JSON.stringify(Array.from({ length: 14 }, (_, i) => ({ id: `t${i}`, title: `${i}:`.padEnd(90_000, "x") }))));
    const r = await conveyor(["run", "--inline", `@${file}`, "--command", "true", "--parallel", "4"]);
    expect(r.code).toBe(0);
    const id = /^run (\S+): 14 tasks$/m.exec(r.stdout)![1]!;
    const piped = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const sh = spawn("sh", ["-c", `"${process.execPath}" bin/conveyor.js status ${id} --json | cat`], {
        env: { ...process.env, ...env },
      });
      let out = "";
      sh.stdout.on("data", (d: Buffer) => (out += d.toString()));
      sh.on("exit", (code) => resolve({ code, out }));
    });
    expect(piped.code).toBe(0);
    expect(piped.out.length).toBeGreaterThan(1_000_000);
    const parsed = JSON.parse(piped.out) as { tasks: { title: string }[] };
    expect(parsed.tasks.map((t) => t.title)).toEqual(Array.from({ length: 14 }, (_, i) => `${i}:`.padEnd(90_000, "x")));
  }, 180_000);

  it("Ctrl-C names the run to resume by its id, and reports no ending", async () => {
    const p = conveyor(["run", "--inline", '["nap"]', "--command", "sleep 20", "--force"]);
    await eventually(() => p.stdoutSoFar().includes("task.started nap"), 90_000);
    const id = /^run (\S+): 1 tasks$/m.exec(p.stdoutSoFar())![1]!;
    p.proc.kill("SIGINT");
    const r = await p;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`interrupted: stopping; run ${id} stays resumable: conveyor resume ${id}\n`);
    expect(r.stderr).not.toContain("<id>");
    expect(r.stdout).not.toMatch(/^run \S+ (running|pending)/m);
  }, 120_000);

  // util-linux's script gives the command a terminal; Ctrl-C is the ^C typed into it
  it.skipIf(!existsSync("/usr/bin/script"))(
    "on a terminal, Ctrl-C clears the bar: nothing of it after the interrupted line",
    async () => {
      const command = `"${process.execPath}" bin/conveyor.js run --inline '["tty"]' --command 'sleep 20' --force`;
      const term = spawn("/usr/bin/script", ["-qec", command, "/dev/null"], { env: { ...process.env, ...env } });
      let out = "";
      term.stdout.on("data", (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => term.on("exit", resolve));
      await eventually(() => out.includes("running 1"), 90_000);
      term.stdin.write("\x03");
      expect(await exited).toBe(130);
      const id = /run (\S+): 1 tasks/.exec(out)![1]!;
      const after = out.slice(out.indexOf("interrupted:"));
      expect(after).toMatch(new RegExp(`^interrupted: stopping; run ${id} stays resumable: conveyor resume ${id}\\r?\\n$`));
      expect(out.slice(0, out.indexOf("interrupted:")).endsWith("\r\x1b[K")).toBe(true);
    },
    120_000,
  );

  it("recover --help leaves a driverless run alone", async () => {
    // a run whose process died (kill -9) with its lease left to expire in 1 s
    const p = conveyor(["run", "--inline", '["held"]', "--command", "sleep 10", "--force"], { CONVEYOR_LEASE_MS: "1000" });
    await eventually(() => p.stdoutSoFar().includes("task.started held"), 90_000);
    const id = /^run (\S+): 1 tasks$/m.exec(p.stdoutSoFar())![1]!;
    p.proc.kill("SIGKILL");
    await p;
    await new Promise((r) => setTimeout(r, 1_500));
    const help = await conveyor(["recover", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: conveyor recover/);
    const status = JSON.parse((await conveyor(["status", id, "--json"])).stdout) as { run: { status: string; leaseOwner: string } };
    expect(status.run.status).toBe("running");
    expect(status.run.leaseOwner).toContain(`:${p.proc.pid}:`);
  }, 120_000);
});
