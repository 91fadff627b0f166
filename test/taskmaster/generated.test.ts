// A file the current CLI writes in this test (manual add-task and set-status,
// no AI), then judged like the fixtures: readiness, and a `--select ready` run
// with write-back, which pulls in a cancelled dependency Task Master counts as
// satisfied.
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { readyTasks } from "../../src/core/readiness.js";
import { parseTaskFile } from "../../src/core/taskmaster/index.js";
import { conveyor } from "./conveyor-cli.js";
import { jsonOf, scratchProject, taskMaster, tasksPath, type CliResult } from "./task-master-cli.js";

const project = scratchProject('{"master": {"tasks": []}}');
type Listed = { tasks: { id: string; status: string }[] };
let generated = "";
let ready: CliResult;
let run: { code: number | null; stdout: string; stderr: string };
let after: CliResult;

beforeAll(async () => {
  const add = async (title: string, deps?: string) => {
    const r = await taskMaster(project, ["add-task", "--title", title, "--description", title, ...(deps ? ["--dependencies", deps] : [])]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  };
  // 1; 2 and 3 wait for 1; 4 waits for 2 (ids are given in order, so one at a time)
  await add("Set up");
  await add("Old approach", "1");
  await add("Review me", "1");
  await add("New approach", "2");
  // one at a time: concurrent set-status calls were seen to lose an update under load
  for (const [id, s] of [
    ["1", "done"],
    ["2", "cancelled"],
    ["3", "review"],
  ]) {
    const r = await taskMaster(project, ["set-status", `--id=${id}`, `--status=${s}`]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }
  generated = readFileSync(tasksPath(project), "utf8");
  ready = await taskMaster(project, ["list", "--ready", "--json"]);
  run = await conveyor(["run", "--tasks", project, "--select", "ready", "--sync-status", "--command", "true"]);
  after = await taskMaster(project, ["list", "--json"]);
}, 240_000);

it("Conveyor's ready tasks are Task Master's on a file it generated", () => {
  const source = parseTaskFile(generated);
  expect(source.tasks.map((t) => [t.id, t.status])).toEqual([
    ["1", "done"],
    ["2", "cancelled"],
    ["3", "review"],
    ["4", "pending"],
  ]);
  const theirs = jsonOf<Listed>(ready).tasks.map((t) => String(t.id));
  expect(theirs).toEqual(["3", "4"]);
  expect(readyTasks(source).map((t) => t.id)).toEqual(theirs);
});

it("`--select ready --sync-status` runs them (the cancelled dependency starts skipped) and Task Master shows them done", () => {
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/run \S+: 3 tasks/);
  expect(run.stdout).toMatch(/2 succeeded, 0 failed, 1 skipped/);
  const statuses = jsonOf<Listed>(after).tasks.map((t) => [String(t.id), t.status]);
  expect(statuses).toEqual([
    ["1", "done"],
    ["2", "cancelled"],
    ["3", "done"],
    ["4", "done"],
  ]);
  const data = JSON.parse(readFileSync(tasksPath(project), "utf8"));
  expect(data.master.metadata).toMatchObject({ taskCount: 4, completedCount: 3 });
});
