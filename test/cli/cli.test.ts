// The conveyor command as a user runs it: real processes, the embedded store,
// the demo project; exit codes and what is printed.
import { cpSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AS_INSTALLED, CURRENT_CODE, runConveyor } from "../support/conveyor-process.js";
import { tempDir } from "../support/databases.js";
import { eventually } from "../support/engine.js";

const dataDir = tempDir();
const project = tempDir();
cpSync("examples/demo", project, { recursive: true });

const conveyor = (args: string[], env: Record<string, string> = {}, entry = CURRENT_CODE) =>
  runConveyor(args, { CONVEYOR_DATA_DIR: dataDir, ...env }, entry);

const demo = ["run", "--tasks", project, "--parallel", "4", "--command", `${project}/do-task.sh {id}`, "--retry-delay", "100ms"];

describe("conveyor run", () => {
  let runId = "";

  it("runs the demo in dependency order, one line per event off a terminal, and exits 0", async () => {
    const r = await conveyor(demo);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    runId = /^run (\S+): 10 tasks$/m.exec(r.stdout)![1]!;
    const order = [...r.stdout.matchAll(/task\.succeeded (\d+)/g)].map((m) => Number(m[1]));
    expect(order).toHaveLength(10);
    const pos = (id: number) => order.indexOf(id);
    expect(pos(1)).toBe(0);
    expect(pos(10)).toBe(9);
    expect(pos(2)).toBeLessThan(pos(3));
    expect(pos(6)).toBeGreaterThan(Math.max(pos(4), pos(5)));
    expect(r.stdout).toMatch(/task\.retrying 5 attempt=1 .*error="exited with code 1"/);
    expect(r.stdout).toMatch(new RegExp(`run ${runId} succeeded in .*: 10 succeeded, 0 failed, 0 skipped`));
  });

  it("takes everything from the memo cache the second time", async () => {
    const r = await conveyor(demo);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("10 succeeded, (10 from cache)");
    expect(r.stdout).not.toContain("task.started");
  });

  it("shows status and the list of runs", async () => {
    const s = await conveyor(["status", runId, "--all"]);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain(`run ${runId} succeeded`);
    expect(s.stdout).toMatch(/^5\s+succeeded\s+2\s/m);
    const json = await conveyor(["status", runId, "--json"]);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.run.succeeded).toBe(10);
    expect(parsed.tasks).toHaveLength(10);
    expect(parsed.progress.percent).toBe(100);
    expect(parsed.progress.perTask).toHaveLength(10);
    expect(parsed.progress.perTask.find((t: { id: string }) => t.id === "7").elapsedMs).toBeGreaterThan(1_500);
    const runs = await conveyor(["runs"]);
    expect(runs.stdout.split("\n").filter((l) => l.includes(project))).toHaveLength(2);
  });

  it("exits 1 when a task fails, with the reason", async () => {
    const r = await conveyor(["run", "--inline", '["x1","x2"]', "--command", "test {id} = x2", "--retries", "0", "--continue-on-error"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/completed_with_failures .*1 succeeded, 1 failed/);
  });

  it("waits out a retry's backoff with nothing else running, then exits 1", async () => {
    const r = await conveyor(["run", "--inline", '["lonely"]', "--command", "false", "--retries", "1", "--retry-delay", "1s"]);
    expect(r.stdout).toMatch(/task\.retrying lonely .*delayMs=/);
    expect(r.stdout).toMatch(/task\.failed lonely attempt=2/);
    expect(r.stdout).toMatch(/run\.finished status=failed/);
    expect(r.code).toBe(1);
  });

  it.each([
    [["--select", "5-1"], /5-1: range start is greater than its end/],
    [["--select", "1,abc"], /abc/],
    [["--select", "1,99"], /unknown task id: 99/],
    [["--select", "0"], /0/],
    [["--parallel", "zero"], /--parallel: "zero" is not a whole number/],
    [["--task-timeout", "soon"], /--task-timeout: "soon" is not a duration/],
    [["--tag", "nope"], /tag "nope" not found; the file has: master/],
  ])("refuses bad input %j with exit 2 and a message naming it", async (extra, message) => {
    const r = await conveyor([...demo, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("refuses a broken tasks file, naming the problem", async () => {
    const bad = join(tempDir(), "tasks.json");
    writeFileSync(bad, '{"tasks": [{"id": 1, "title": "a", "dependencies": [2]}, {"id": 2, "title": "b", "dependencies": [1]}]}');
    const cycle = await conveyor(["run", "--tasks", bad, "--command", "true"]);
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toMatch(/dependency cycle: (1 -> 2 -> 1|2 -> 1 -> 2)/);
    writeFileSync(bad, '{"tasks": [{"id": 1, "title": "a",}]}');
    const syntax = await conveyor(["run", "--tasks", bad, "--command", "true"]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/line 1/);
  });

  it("a second process on the same store is refused with exit 3, naming the holder", async () => {
    // the first runs until interrupted, however slowly the second one starts
    const first = conveyor(["run", "--inline", '["slow"]', "--command", "sleep 120", "--force"]);
    // the first holds the store once it has printed its run id
    await eventually(() => first.stdoutSoFar().includes("run "), 30_000);
    const second = await conveyor(["runs"]);
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`in use by process ${first.proc.pid}`);
    first.proc.kill("SIGINT");
    expect((await first).code).toBe(130);
  });

  it("works as installed: the compiled bin finds its migrations", async () => {
    const r = await conveyor(["run", "--inline", '["only"]', "--command", "true"], { CONVEYOR_DATA_DIR: tempDir() }, AS_INSTALLED);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/succeeded in .*: 1 succeeded/);
  });

  it("leaves the store unlocked after a usage error, though it began opening it before reading the flags", async () => {
    const store = { CONVEYOR_DATA_DIR: tempDir() };
    expect((await conveyor(["run", "--inline", '["x"]', "--command", "true"], store)).code).toBe(0);
    const r = await conveyor(["run", "--inline", '["x"]', "--no-such-flag"], store);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown option '--no-such-flag'");
    expect(existsSync(join(store.CONVEYOR_DATA_DIR, "conveyor.lock"))).toBe(false);
  });

  it("refuses unknown commands with error:, pointing to help", async () => {
    const r = await conveyor(["launch"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'launch'");
    expect(r.stderr).toContain("--help");
  });
});
