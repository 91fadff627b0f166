import { getEventListeners } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expandCommand } from "../../src/executors/command-template.js";
import { LocalProcessExecutor, type LocalProcessOptions } from "../../src/executors/local-process.js";
import { Spawner } from "../../src/executors/spawner/spawner.js";
import { expectGone, request } from "./local-process-support.js";

// A shell that starts a grandchild (`sleep 30 &`, whose pid it prints) and then sleeps itself.
const GRANDCHILD = "sleep 30 & echo $!; sleep 30";

// Every behaviour holds whether the shell is spawned here or by the spawner process.
describe.each(["direct", "spawner"] as const)("LocalProcessExecutor, spawning %s", (how) => {
  let spawner: Spawner | undefined;
  beforeAll(async () => {
    if (how !== "spawner") return;
    spawner = new Spawner();
    // Up and ready, so the tests below see the steady state (its start-up timer gone too).
    await new LocalProcessExecutor({ launcher: spawner, command: "true" }).execute(request());
  });
  afterAll(() => spawner?.close());
  const executor = (options: LocalProcessOptions = {}) => new LocalProcessExecutor({ ...options, ...(spawner && { launcher: spawner }) });

  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "conveyor-exec-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("exports the run, task and attempt to the environment", async () => {
    // the task's own variables: the rest of this process's environment (CONVEYOR_* settings included) is inherited
    const exec = executor({
      command: "env | grep -E '^CONVEYOR_(ATTEMPT|RUN_ID|TASK_ID|TASK_TITLE|TASK_JSON)=' | sort",
      env: { EXTRA: "x" },
    });
    const outcome = await exec.execute(request());
    expect(outcome).toMatchObject({ ok: true, exitCode: 0, stderrTail: "" });
    const env = Object.fromEntries(
      outcome
        .stdoutTail!.trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(env).toEqual({
      CONVEYOR_ATTEMPT: "2",
      CONVEYOR_RUN_ID: "run-1",
      CONVEYOR_TASK_ID: "7",
      CONVEYOR_TASK_TITLE: "Build it",
      CONVEYOR_TASK_JSON: JSON.stringify(request().definition),
    });
    expect((await exec.execute(request({ command: 'printf %s "$EXTRA"' }))).stdoutTail).toBe("x");
  });

  it("substitutes a hostile {id} and {title} as single arguments", async () => {
    writeFileSync(join(dir, "x"), "");
    const hostile = "a'b; rm -rf x";
    const exec = executor({ command: "printf '<%s>\\n' {id} {title}", cwd: dir });
    const outcome = await exec.execute(request({ taskId: hostile, title: '$(touch y) "{id}" `id`' }));
    expect(outcome.stdoutTail).toBe(`<${hostile}>\n<$(touch y) "{id}" \`id\`>\n`);
    expect(existsSync(join(dir, "x"))).toBe(true);
    expect(existsSync(join(dir, "y"))).toBe(false);
    expect(expandCommand("run {id}", { taskId: "it's", title: "" })).toBe("run 'it'\\''s'");
  });

  it("lets the task's own command override the template", async () => {
    const exec = executor({ command: "echo template" });
    expect((await exec.execute(request({ command: "echo own {id}" }))).stdoutTail).toBe("own 7\n");
  });

  it("fails clearly when there is no command at all", async () => {
    const outcome = await executor().execute(request());
    expect(outcome).toMatchObject({ ok: false, exitCode: null });
    expect(outcome.error).toMatch(/no command for task 7/);
  });

  it("records exit codes, stderr and death by signal", async () => {
    const exec = executor();
    expect(await exec.execute(request({ command: "echo oops >&2; exit 3" }))).toMatchObject({
      ok: false,
      exitCode: 3,
      error: "exited with code 3",
      stderrTail: "oops\n",
    });
    expect(await exec.execute(request({ command: "kill -KILL $$" }))).toMatchObject({
      ok: false,
      exitCode: null,
      error: "killed by signal SIGKILL",
    });
  });

  it("keeps the last 64 KiB of a 1 MB output", async () => {
    const outcome = await executor().execute(request({ command: "seq 1 150000; echo END" }));
    expect(outcome.ok).toBe(true);
    expect(Buffer.byteLength(outcome.stdoutTail!)).toBe(64 * 1024);
    expect(outcome.stdoutTail!.endsWith("149999\n150000\nEND\n")).toBe(true);
  });

  it("reports progress and the result, and notes malformed protocol lines", async () => {
    const progress: [number, string | undefined][] = [];
    const outcome = await executor().execute(
      request({
        command: [
          "echo '::conveyor progress 0.25 compiling'",
          "echo '::conveyor progress 50%'",
          "echo '::conveyor progress 7'",
          `echo '::conveyor result {"artifacts":["a.tgz"]}'`,
        ].join("; "),
        onProgress: (fraction, message) => progress.push([fraction, message]),
      }),
    );
    expect(outcome).toMatchObject({ ok: true, result: { artifacts: ["a.tgz"] } });
    expect(progress).toEqual([
      [0.25, "compiling"],
      [0.5, undefined],
    ]);
    expect(outcome.stdoutTail).toContain("::conveyor progress 7\n");
    expect(outcome.stderrTail).toMatch(/malformed protocol line ignored \(progress is above 1.*\): ::conveyor progress 7/);
  });

  it("kills the whole process group on timeout", async () => {
    const started = Date.now();
    const outcome = await executor().execute(request({ command: GRANDCHILD, timeoutMs: 500 }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(outcome).toMatchObject({ ok: false, timedOut: true, exitCode: null, error: "timed out after 500 ms" });
    await expectGone(Number(outcome.stdoutTail!.trim()));
  });

  it("escalates to SIGKILL when the group ignores SIGTERM", async () => {
    const exec = executor({ killGraceMs: 200 });
    const outcome = await exec.execute(request({ command: `trap '' TERM; ${GRANDCHILD}`, timeoutMs: 200 }));
    expect(outcome).toMatchObject({ timedOut: true, error: "timed out after 200 ms" });
    await expectGone(Number(outcome.stdoutTail!.trim()));
  });

  it("kills the whole process group on cancel", async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const outcome = await executor().execute(
      request({
        command: `sleep 30 & echo "::conveyor progress 0 $!"; sleep 30`,
        signal: controller.signal,
        onProgress: (_, message) => {
          grandchild = Number(message);
          controller.abort();
        },
      }),
    );
    expect(outcome).toMatchObject({ ok: false, cancelled: true, exitCode: null, error: "cancelled" });
    await expectGone(grandchild);
  });

  it("does not start a process for an already-cancelled run", async () => {
    const outcome = await executor().execute(request({ command: `touch ${dir}/ran`, signal: AbortSignal.abort() }));
    expect(outcome).toMatchObject({ ok: false, cancelled: true });
    expect(existsSync(join(dir, "ran"))).toBe(false);
  });

  it("ends the attempt when the shell exits, ending what it left behind", async () => {
    const started = Date.now();
    // The leftover holds stdout open: without the group cleanup, the attempt would wait 30 s.
    const outcome = await executor().execute(request({ command: "sleep 30 & echo $!" }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(outcome).toMatchObject({ ok: true, exitCode: 0 });
    await expectGone(Number(outcome.stdoutTail!.trim()));
  });

  it("leaves no abort listener or timer behind", async () => {
    const controller = new AbortController();
    const timers = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const exec = executor({ command: "exit {id}" });
    for (const taskId of ["0", "1"]) await exec.execute(request({ taskId, signal: controller.signal, timeoutMs: 5000 }));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    // At most: a SIGKILL timer left by an earlier test (its grace period) may expire meanwhile.
    expect(process.getActiveResourcesInfo().filter((r) => r === "Timeout").length).toBeLessThanOrEqual(timers);
  });

  it("reports a bad cwd as a failed outcome", async () => {
    const outcome = await executor({ command: "true", cwd: join(dir, "missing") }).execute(request());
    expect(outcome).toMatchObject({ ok: false, exitCode: null });
    expect(outcome.error).toMatch(/failed to start \/bin\/sh in .*missing: .*ENOENT/);
  });
});
