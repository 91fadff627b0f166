// The files of issue 17, written for this project (test/fixtures/taskmaster-lenient/):
// what Task Master 0.43.1 lists and validates, Conveyor reads and runs, and
// `task-master` itself is asked about each file beside it.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/commands/run.js";
import { InvalidSelectionError, MissingDependencyError, NothingToRunError, SubtaskSelectionError } from "../../src/core/errors.js";
import { buildPlan } from "../../src/core/plan.js";
import { readyTasks } from "../../src/core/readiness.js";
import { resolveSelection } from "../../src/core/task-filter.js";
import { parseTaskFile } from "../../src/core/taskmaster/index.js";
import { thrown } from "../support/thrown.js";
import { conveyor } from "./conveyor-cli.js";
import { jsonOf, scratchProject, taskMaster, tasksPath, validationIssues, type CliResult } from "./task-master-cli.js";

const DIR = resolve("test/fixtures/taskmaster-lenient");
const text = (f: string) => readFileSync(join(DIR, f), "utf8");
const FILES = ["subtask-without-title.json", "comma-joined-dependency.json", "nothing-ready.json"] as const;
const projects = Object.fromEntries(FILES.map((f) => [f, scratchProject(text(f))]));
const tm: Record<string, { ready: CliResult; validate: CliResult }> = {};

beforeAll(async () => {
  await Promise.all(
    FILES.map(async (f) => {
      const [ready, validate] = [
        await taskMaster(projects[f]!, ["list", "--ready", "--json"]),
        await taskMaster(projects[f]!, ["validate-dependencies"]),
      ];
      tm[f] = { ready, validate };
    }),
  );
}, 240_000);

const listed = (r: CliResult) => jsonOf<{ tasks: { id: string }[] }>(r).tasks.map((t) => String(t.id));

describe("a subtask without a title", () => {
  const file = "subtask-without-title.json";
  it("Task Master lists and validates it; Conveyor reads it with one warning naming the subtasks, and runs", () => {
    expect(tm[file]!.ready.code).toBe(0);
    expect(listed(tm[file]!.ready)).toEqual(["2"]);
    expect(validationIssues(tm[file]!.validate)).toEqual([]);
    const source = parseTaskFile(text(file));
    expect(source.warnings).toEqual(["subtasks 1.1, 1.2 have no title: titled by their id"]);
    expect(readyTasks(source).map((t) => t.id)).toEqual(["2"]);
    expect(buildPlan(source, { selection: ["3"], withDependencies: true }).units.map((u) => u.id)).toEqual(["3", "2"]);
    expect(buildPlan(source).units).toHaveLength(3);
  });
});

describe("a comma-joined dependency inside done work", () => {
  const file = "comma-joined-dependency.json";
  it("validate-dependencies calls it valid; Conveyor runs the default selection and warns, naming the subtask", () => {
    expect(validationIssues(tm[file]!.validate)).toEqual([]);
    expect(listed(tm[file]!.ready)).toEqual(["30"]);
    const source = parseTaskFile(text(file));
    const plan = buildPlan(source);
    expect(plan.units.map((u) => [u.id, u.initial?.status ?? "runs"])).toEqual([
      ["29", "skipped"],
      ["30", "runs"],
    ]);
    expect(plan.warnings).toEqual([
      "dependencies on ids that do not exist, on work done or cancelled in the file (not waited for): 29.4 -> 29.1,29.2,29.3 " +
        "(Task Master reads a comma-joined string as one id: write one id per element)",
    ]);
  });

  it("the same dependency on work that runs is refused, naming the subtask that carries it", () => {
    const source = parseTaskFile(text(file));
    const err = thrown(() => buildPlan(source, { selection: ["29"], includeDone: true, expandSubtasks: true }));
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect((err as MissingDependencyError).missing).toEqual([{ task: "29.4", dependency: "29.1,29.2,29.3" }]);
  });
});

describe("nothing to run", () => {
  const file = "nothing-ready.json";
  const out = () => {
    const o = {
      isTTY: false,
      stdout: "",
      stderr: "",
      write: (s: string) => void (o.stdout += s),
      error: (s: string) => void (o.stderr += s),
    };
    return o;
  };

  it("Task Master prints an empty ready list and exits 0; `conveyor run --select ready` says so and exits 0", async () => {
    expect(tm[file]!.ready.code).toBe(0);
    expect(listed(tm[file]!.ready)).toEqual([]);
    expect(thrown(() => resolveSelection(parseTaskFile(text(file)), "ready"))).toBeInstanceOf(NothingToRunError);
    const o = out();
    const code = await runCommand({ tasks: tasksPath(projects[file]!), select: "ready", command: "true" }, o);
    expect(code).toBe(0);
    expect(o.stdout).toBe("no task is ready: nothing to run\n");
    expect(o.stderr).toBe("");
  });

  it("the real command exits 0 with the same line, and 2 for a selection that is bad input", async () => {
    const nothing = await conveyor(["run", "--tasks", projects[file]!, "--select", "ready", "--command", "true"]);
    expect([nothing.code, nothing.stdout, nothing.stderr]).toEqual([0, "no task is ready: nothing to run\n", ""]);
    const bad = await conveyor(["run", "--tasks", projects[file]!, "--select", "1-x", "--command", "true"]);
    expect(bad.code).toBe(2); // bad input (error-report.ts EXIT.usage)
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^error: .*1-x/);
  }, 60_000);

  it("an empty tag is nothing to run too (exit 0); a bad selection stays bad input", async () => {
    const source = parseTaskFile(text(file), { tag: "later" });
    expect(thrown(() => buildPlan(source))).toBeInstanceOf(NothingToRunError);
    expect(thrown(() => buildPlan(source))).toHaveProperty("message", 'the tag "later" has no tasks: nothing to run');
    const o = out();
    const tagged = await runCommand({ tasks: tasksPath(projects[file]!), tag: "later", command: "true" }, o);
    expect([tagged, o.stdout]).toEqual([0, 'the tag "later" has no tasks: nothing to run\n']);
    const bad = runCommand({ tasks: tasksPath(projects[file]!), select: "1-x", command: "true" }, out());
    await expect(bad).rejects.toThrow(InvalidSelectionError);
    await expect(bad).rejects.toThrow(/1-x/);
  });
});

it("a selected subtask names the flag that allows it", () => {
  const err = thrown(() => buildPlan(parseTaskFile(text("comma-joined-dependency.json")), { selection: ["29.2"] }));
  expect(err).toBeInstanceOf(SubtaskSelectionError);
  expect(err.message).toBe(
    "subtask 29.2 can only be selected with --expand-subtasks (expandSubtasks in the API) (or select the parent task instead)",
  );
});
