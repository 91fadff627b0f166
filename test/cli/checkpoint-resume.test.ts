// `conveyor checkpoint <run-id>` and `conveyor resume <run-id> --checkpoint <id>`
// as a user runs them (child processes on an embedded store): the checkpoint's id
// is printed and resuming from it finishes the run without redoing what
// succeeded; an unknown run or checkpoint exits 2 with a message naming it.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runConveyor } from "../support/conveyor-process.js";
import { tempDir } from "../support/databases.js";

const dataDir = tempDir();
const work = tempDir();
const log = join(work, "executions.log");
const healed = join(work, "healed");
const conveyor = (args: string[]) => runConveyor(args, { CONVEYOR_DATA_DIR: dataDir });
const executions = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);

describe("conveyor checkpoint and resume --checkpoint", () => {
  afterAll(() => [dataDir, work].forEach((d) => rmSync(d, { recursive: true, force: true })));
  let runId = "";
  let checkpointId = "";

  it("a run whose second task fails exits 1", async () => {
    // k2 (after k1) fails until the `healed` file exists
    const tasks = JSON.stringify([{ id: "k1" }, { id: "k2", dependencies: ["k1"] }]);
    const r = await conveyor([
      "run",
      "--inline",
      tasks,
      "--command",
      `echo {id} >> ${log}; test {id} = k1 || test -e ${healed}`,
      "--retries",
      "0",
    ]);
    runId = /^run (\S+): 2 tasks$/m.exec(r.stdout)![1]!;
    expect(r.stdout).toMatch(new RegExp(`run ${runId} failed in .*: 1 succeeded, 1 failed`));
    expect(r.code).toBe(1);
    expect(executions()).toEqual(["k1", "k2"]);
  });

  it("checkpoint prints the id of the checkpoint it took", async () => {
    const r = await conveyor(["checkpoint", runId]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    checkpointId = /^checkpoint (\S+)\n$/.exec(r.stdout)![1]!;
  });

  it.each([["checkpoint"], ["resume"]])("%s of an unknown run exits 2, naming it", async (command) => {
    const r = await conveyor([command, "no-such-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: run not found: no-such-run\n");
    expect(r.stdout).toBe("");
  });

  it("resume from an unknown checkpoint exits 2, naming it and the run", async () => {
    const r = await conveyor(["resume", runId, "--checkpoint", "no-such-checkpoint"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: run ${runId} has no checkpoint no-such-checkpoint\n`);
    expect(r.stdout).toBe("");
  });

  it("resume --checkpoint continues from it: the failed task runs again, the succeeded one does not", async () => {
    writeFileSync(healed, "");
    const r = await conveyor(["resume", runId, "--checkpoint", checkpointId]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`run ${runId} resumed\n`);
    expect(r.stdout).toMatch(new RegExp(`run ${runId} succeeded in .*: 2 succeeded, 0 failed`));
    expect(r.code).toBe(0);
    expect(executions()).toEqual(["k1", "k2", "k2"]);
  });
});
