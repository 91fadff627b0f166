// Selection in Task Master's words (all, ready, a status filter) and where the
// tasks come from (a project folder, the tag state.json marks current).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidSelectionError, NothingToRunError, UnsatisfiedDependencyError } from "../../src/core/errors.js";
import { buildPlan } from "../../src/core/plan.js";
import { isReadySelection, parseStatusFilter, resolveSelection } from "../../src/core/task-filter.js";
import { parseTaskFile } from "../../src/core/taskmaster/index.js";
import { resolveTasksPath } from "../../src/cli/task-input.js";
import { readTasksFile as loadTasksFile } from "../../src/taskmaster-sync/tasks-file.js";
import { tempDir } from "../support/databases.js";
import { cliTagged } from "../support/taskmaster-fixtures.js";

const cliText = cliTagged();
// master: 1 done, 2 in-progress, 3-7 pending, 8 deferred; 2 and 3 are ready
const master = parseTaskFile(cliText);

describe("resolveSelection", () => {
  it("all: every top-level task, those done or cancelled starting skipped in the plan", () => {
    expect(resolveSelection(master, "all")).toBeUndefined();
    expect(resolveSelection(master, " ALL ", ["pending", "deferred"])).toEqual(["3", "4", "5", "6", "7", "8"]);
  });

  it("ready: what Task Master lists as ready", () => {
    expect(resolveSelection(master, "ready")).toEqual(["2", "3"]);
    expect(resolveSelection(master, "ready", ["pending"])).toEqual(["3"]);
    const nothing = parseTaskFile('{"tasks": [{"id": 1, "title": "a", "status": "done"}]}');
    expect(() => resolveSelection(nothing, "ready")).toThrow(NothingToRunError);
    expect(() => resolveSelection(nothing, "ready")).toThrow("no task is ready: nothing to run");
  });

  it("a ready task waiting for a cancelled one runs once its dependencies are pulled in (they start skipped)", () => {
    const source = parseTaskFile(
      '{"tasks": [{"id": 1, "title": "a", "status": "cancelled"}, {"id": 2, "title": "b", "dependencies": [1]}]}',
    );
    const selection = resolveSelection(source, "ready")!;
    expect(selection).toEqual(["2"]);
    expect(isReadySelection(" Ready ")).toBe(true);
    expect(() => buildPlan(source, { selection })).toThrow(UnsatisfiedDependencyError);
    const plan = buildPlan(source, { selection, withDependencies: true });
    expect(plan.units.map((u) => [u.id, u.initial?.status ?? "runs"])).toEqual([
      ["2", "runs"],
      ["1", "skipped"],
    ]);
  });

  it("a status filter alone, and on top of ids and ranges", () => {
    expect(resolveSelection(master, undefined, ["in-progress", "deferred"])).toEqual(["2", "8"]);
    expect(resolveSelection(master, "1-4", ["pending"])).toEqual(["3", "4"]);
    expect(resolveSelection(master, "1-4")).toEqual(["1", "2", "3", "4"]);
    expect(() => resolveSelection(master, "1", ["pending"])).toThrow(/no selected task has status pending/);
  });

  it("status names are Task Master's", () => {
    expect(parseStatusFilter("Pending, in-progress,pending")).toEqual(["pending", "in-progress"]);
    expect(() => parseStatusFilter("pending,todo")).toThrow(InvalidSelectionError);
    expect(() => parseStatusFilter("pending,todo")).toThrow(/unknown status "todo"/);
  });
});

describe("--tasks and --tag", () => {
  const project = (state?: Record<string, unknown>, legacy = false) => {
    const dir = tempDir("conveyor-project-");
    const tasksDir = legacy ? join(dir, "tasks") : join(dir, ".taskmaster", "tasks");
    mkdirSync(tasksDir, { recursive: true });
    writeFileSync(join(tasksDir, "tasks.json"), cliText);
    if (state) {
      mkdirSync(join(dir, ".taskmaster"), { recursive: true });
      writeFileSync(join(dir, ".taskmaster", "state.json"), JSON.stringify(state));
    }
    return { dir, file: join(tasksDir, "tasks.json") };
  };

  it("a folder is searched for .taskmaster/tasks/tasks.json, then tasks/tasks.json", () => {
    const current = project();
    expect(resolveTasksPath(current.dir)).toBe(current.file);
    const legacy = project(undefined, true);
    expect(resolveTasksPath(legacy.dir)).toBe(legacy.file);
  });

  it("without --tag, the tag state.json marks current; --tag wins; a current tag the file lacks falls back with a warning", () => {
    const p = project({ currentTag: "feature-ui", migrationNoticeShown: true });
    expect(loadTasksFile(p.dir, undefined).tag).toBe("feature-ui");
    expect(loadTasksFile(p.file, undefined).tag).toBe("feature-ui");
    expect(loadTasksFile(p.dir, "master").tag).toBe("master");
    const legacy = project({ currentTag: "feature-ui" }, true);
    expect(loadTasksFile(legacy.dir, undefined).tag).toBe("feature-ui");
    const gone = project({ currentTag: "removed" });
    const source = loadTasksFile(gone.dir, undefined);
    expect(source.tag).toBe("master");
    expect(source.warnings[0]).toMatch(/current tag "removed" is not in the file/);
    expect(loadTasksFile(project().dir, undefined).tag).toBe("master");
  });
});
