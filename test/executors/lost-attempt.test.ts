// A spawner that dies after starting a task but before reporting its pid: the
// executor still stops that task (found by its attempt's environment), so a
// retry never runs beside it, and leaves every other process alone.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import type { ProcessLauncher } from "../../src/executors/process-launcher.js";
import { expectGone, request } from "./local-process-support.js";

// run ids are unique (UUIDs): so is this one, among the suites running beside it
const RUN = `lost-${process.pid}-${Date.now()}`;
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill("SIGKILL");
});

/** Starts the task as the spawner would (its own process group, the attempt's environment), then reports it lost without its pid. */
function dyingSpawner(): { launcher: ProcessLauncher; child: Promise<ChildProcess> } {
  let resolve!: (c: ChildProcess) => void;
  const child = new Promise<ChildProcess>((r) => (resolve = r));
  const launcher: ProcessLauncher = {
    launch(spec, listener) {
      const c = spawn(spec.shell, ["-c", spec.command], { env: { ...process.env, ...spec.env }, detached: true, stdio: "ignore" });
      started.push(c);
      resolve(c);
      // the shell and its own child have started by then
      setTimeout(() => listener.lost("lost the task process: the spawner process exited"), 300);
      return { destroyOutput: () => undefined };
    },
  };
  return { launcher, child };
}

describe("an attempt lost before its pid was known", () => {
  it("kills the attempt's processes, its children included, and only those", async () => {
    const { launcher, child } = dyingSpawner();
    // another attempt of the same task: same run and task, another attempt number
    const bystander = spawn("sleep", ["30"], {
      env: { ...process.env, CONVEYOR_RUN_ID: RUN, CONVEYOR_TASK_ID: "7", CONVEYOR_ATTEMPT: "1" },
      detached: true,
      stdio: "ignore",
    });
    started.push(bystander);
    const pidFile = join(mkdtempSync(join(tmpdir(), "conveyor-lost-")), "background.pid");
    // a child of its own session: out of the shell's process group
    const exec = new LocalProcessExecutor({ command: `setsid sleep 30 & echo $! > ${pidFile}; sleep 30`, launcher });
    const outcome = await exec.execute(request({ runId: RUN, attempt: 2 }));
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain("lost the task process");
    await expectGone((await child).pid!);
    await expectGone(Number(readFileSync(pidFile, "utf8")));
    expect(bystander.exitCode).toBeNull();
    expect(() => process.kill(bystander.pid!, 0)).not.toThrow();
  });
});
