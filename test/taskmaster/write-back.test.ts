// Status write-back judged by the real Task Master CLI: runs of the conveyor
// command with --sync-status on a file the current CLI wrote, then
// `task-master list`, `show` and `validate-dependencies` on the result.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { conveyor } from "./conveyor-cli.js";
import { cliTagged } from "../support/taskmaster-fixtures.js";
import { jsonOf, scratchProject, taskMaster, tasksPath, validationIssues, type CliResult } from "./task-master-cli.js";

const original = cliTagged();
const project = scratchProject(original);
const file = tasksPath(project);
const setCurrentTag = (tag: string) =>
  writeFileSync(join(project, ".taskmaster", "state.json"), JSON.stringify({ migrationNoticeShown: true, currentTag: tag }));

type Task = { id: string | number; status: string; subtasks?: Task[]; tagName?: string };
let runs: { code: number | null; stderr: string; stdout: string }[] = [];
let judged: { list: CliResult; show: CliResult; validate: CliResult };
const touched = ["2", "3", "4", "5", "5.1", "5.2", "5.3", "6", "8"];

beforeAll(async () => {
  // master: task 4 fails; its dependent 7 is skipped; 5 runs as three subtasks
  const master = await conveyor([
    "run",
    "--tasks",
    project,
    "--select",
    "all",
    "--expand-subtasks",
    "--sync-status",
    "--continue-on-error",
    "--retries",
    "0",
    "--parallel",
    "3",
    "--command",
    "test {id} != 4",
  ]);
  // feature-ui, the tag state.json marks current (no --tag): what Task Master calls ready
  setCurrentTag("feature-ui");
  const feature = await conveyor(["run", "--tasks", file, "--select", "ready", "--sync-status", "--command", "true"]);
  runs = [master, feature];
  setCurrentTag("master");
  const [list, show, validate] = await Promise.all([
    taskMaster(project, ["list", "--json", "--with-subtasks", "--all-tags"]),
    taskMaster(project, ["show", touched.join(","), "--json"]),
    taskMaster(project, ["validate-dependencies"]),
  ]);
  judged = { list, show, validate };
}, 180_000);

const statuses = (r: CliResult, tag: string) => {
  const out: Record<string, string> = {};
  for (const t of jsonOf<{ tasks: Task[] }>(r).tasks.filter((t) => t.tagName === tag)) {
    out[String(t.id)] = t.status;
    for (const s of t.subtasks ?? []) out[`${t.id}.${s.id}`] = s.status;
  }
  return out;
};

describe("--sync-status, judged by task-master", () => {
  it("the runs ended as expected: one failure in master, the ready task of feature-ui", () => {
    expect(runs[0]!.code).toBe(1);
    expect(runs[0]!.stdout).toMatch(/completed_with_failures .*8 succeeded, 1 failed, 2 skipped/);
    expect(runs[1]!.code).toBe(0);
    expect(runs[1]!.stdout).toMatch(/run \S+: 1 tasks/);
    expect(runs[0]!.stderr + runs[1]!.stderr).not.toMatch(/could not write|changed to/);
  });

  it("`task-master list` shows the statuses Conveyor reported, subtasks and their parent included", () => {
    expect(statuses(judged.list, "master")).toEqual({
      "1": "done", // done before the run: not touched
      "2": "done",
      "3": "done",
      "4": "blocked", // failed
      "5": "done",
      "5.1": "done",
      "5.2": "done",
      "5.3": "done",
      "6": "done",
      "7": "pending", // skipped because 4 failed: never started, left as it was
      "8": "done", // deferred, but `all` runs every task not done or cancelled
    });
    expect(statuses(judged.list, "feature-ui")).toEqual({ "1": "done", "2": "pending" });
  });

  it("`task-master show` finds every touched task; validate-dependencies still passes", () => {
    const shown = jsonOf<{ tasks: Task[]; notFound: string[] }>(judged.show);
    expect(shown.notFound).toEqual([]);
    expect(shown.tasks).toHaveLength(touched.length);
    expect(validationIssues(judged.validate)).toEqual([]);
    expect(judged.validate.stdout).toContain("All Dependencies Are Valid");
  });

  it("only statuses, updatedAt and the metadata counts changed; ids, key order, layout and the rest are byte for byte", () => {
    const now = readFileSync(file, "utf8");
    const neutral = (text: string) =>
      text
        .replace(/,\s*"updatedAt": "[^"]*"/g, "")
        .replace(/"status": "[^"]*"/g, '"status": _')
        .replace(/"lastModified": "[^"]*"/g, '"lastModified": _')
        .replace(/"completedCount": \d+/g, '"completedCount": _');
    expect(neutral(now)).toBe(neutral(original));
    const data = JSON.parse(now);
    expect(data.master.metadata).toMatchObject({ taskCount: 8, completedCount: 6 });
    expect(data.master.tasks.map((t: Task) => t.id)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(data["feature-ui"].tasks.map((t: Task) => t.id)).toEqual([1, 2]);
    // every task whose status changed carries a fresh updatedAt, as `task-master set-status` leaves it
    for (const t of data.master.tasks.filter((t: Task) => touched.includes(String(t.id)))) {
      expect(Date.parse(t.updatedAt)).toBeGreaterThan(Date.parse("2026-01-01"));
    }
    expect(data.master.tasks[6].updatedAt).toBeUndefined();
  });
});

describe("refused before anything runs", () => {
  it("--sync-status without a tasks file, and an unknown status, exit 2 naming the problem", async () => {
    const [inline, status] = await Promise.all([
      conveyor(["run", "--inline", '["a"]', "--sync-status", "--command", "true"]),
      conveyor(["run", "--tasks", project, "--status", "todo", "--command", "true"]),
    ]);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toMatch(/--sync-status writes statuses into a tasks file/);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/unknown status "todo"/);
  }, 60_000);
});
