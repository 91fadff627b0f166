// `task-master validate-dependencies` and Conveyor's cycle and missing-dependency
// errors on the broken owned fixtures, each in a scratch project holding a copy
// of the file. The validator exits 0 either way; its findings are read from its
// output. Where the two differ, the test says why. (A clean file passing both
// is checked after write-back, in write-back.test.ts; the same comparison on
// the real files is in test-corpus/.)
import { beforeAll, describe, expect, it } from "vitest";
import { DependencyCycleError, MissingDependencyError } from "../../src/core/errors.js";
import { buildPlan } from "../../src/core/plan.js";
import { parseTaskFile } from "../../src/core/taskmaster/index.js";
import { readFixture } from "../support/taskmaster-fixtures.js";
import { thrown } from "../support/thrown.js";
import { scratchProject, taskMaster, validationIssues } from "./task-master-cli.js";

const load = (file: string, tag?: string) => parseTaskFile(readFixture(file), { file, ...(tag ? { tag } : {}) });

const JUDGED = {
  topCycle: ["top-level-cycle.json"],
  subtaskCycles: ["subtask-cycles.json"],
  testTag: ["subtask-cycles.json", "test-tag"],
  slugs: ["slug-ids.json"],
  sibling: ["legacy-sibling-deps.json"],
  comma: ["comma-deps.json"],
} as const;
type Issues = { kind: string; id: string }[];
const found: Partial<Record<keyof typeof JUDGED, Issues>> = {};

beforeAll(async () => {
  await Promise.all(
    Object.entries(JUDGED).map(async ([name, [file, tag]]) => {
      const r = await taskMaster(scratchProject(readFixture(file)), ["validate-dependencies", ...(tag ? ["--tag", tag] : [])]);
      expect(r.code).toBe(0);
      found[name as keyof typeof JUDGED] = validationIssues(r);
    }),
  );
}, 240_000);

describe("dependency errors: Conveyor and `task-master validate-dependencies`", () => {
  it("top-level cycle: both refuse the cycle 3 <-> 7; Task Master also flags every task downstream of it", () => {
    const err = thrown(() => buildPlan(load(JUDGED.topCycle[0])));
    expect(err).toBeInstanceOf(DependencyCycleError);
    expect(new Set((err as DependencyCycleError).cycle)).toEqual(new Set(["3", "7"]));
    const flagged = found.topCycle!.map((i) => i.id);
    expect(found.topCycle!.every((i) => i.kind === "CIRCULAR")).toBe(true);
    // Conveyor names the tasks on the cycle; tasks that merely wait for it are refused with the run
    expect(flagged).toEqual(expect.arrayContaining(["3", "7"]));
    expect(flagged).toEqual(["3", "4", "5", "7", "8", "9"]); // 4, 5 wait for 3; 8, 9 for 7; 2, 6, 10 for neither
  });

  it("subtask cycles: the same two; Conveyor refuses them only when subtasks run on their own", () => {
    const source = load(JUDGED.subtaskCycles[0]);
    const flagged = found.subtaskCycles!.map((i) => i.id);
    expect(found.subtaskCycles!.every((i) => i.kind === "CIRCULAR")).toBe(true);
    expect(new Set(flagged.map((id) => id.split(".")[0]))).toEqual(new Set(["3", "9"]));
    // without expandSubtasks a task and its subtasks are one unit: a cycle among them is its own business
    expect(() => buildPlan(source)).not.toThrow();
    for (const parent of ["3", "9"]) {
      const err = thrown(() => buildPlan(source, { selection: [parent], expandSubtasks: true, includeDone: true }));
      expect(err).toBeInstanceOf(DependencyCycleError);
      for (const id of (err as DependencyCycleError).cycle) expect(flagged).toContain(id);
    }
  });

  it("test-tag: both report task 1's dependency on the missing 16", () => {
    expect(found.testTag).toEqual([{ kind: "MISSING", id: "1" }]);
    const err = thrown(() => buildPlan(load(...JUDGED.testTag)));
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect((err as MissingDependencyError).missing).toEqual([{ task: "1", dependency: "16" }]);
  });

  it("slug ids: Task Master's validator cannot resolve any of them (its own `list --ready` can); Conveyor resolves them", () => {
    // every dependency of a task or subtask in the file (nested subtasks are ignored by both)
    type Raw = { dependencies?: unknown[]; subtasks?: Raw[] };
    const raw = JSON.parse(readFixture(JUDGED.slugs[0])).master.tasks as Raw[];
    const written = raw.flatMap((t) => [t, ...(t.subtasks ?? [])]).reduce((n, t) => n + (t.dependencies?.length ?? 0), 0);
    expect(written).toBe(8);
    expect(found.slugs).toHaveLength(written);
    expect(found.slugs!.every((i) => i.kind === "MISSING")).toBe(true);
    expect(() => buildPlan(load(JUDGED.slugs[0]), { expandSubtasks: true })).not.toThrow();
  });

  it("sibling dependency: the validator looks for subtask 4.7's dependency 6 among top-level tasks; Task Master's rules and Conveyor mean sibling 4.6", () => {
    expect(found.sibling).toEqual([{ kind: "MISSING", id: "4.7" }]);
    const sub = load(JUDGED.sibling[0])
      .tasks.find((t) => t.id === "4")!
      .subtasks.find((s) => s.id === "4.7")!;
    expect(sub.dependencies).toEqual(["4.6"]);
  });

  it('comma-joined "29.1,29.2": the validator passes it; Conveyor reads one id that does not exist and refuses the run naming it', () => {
    expect(found.comma).toEqual([]);
    const err = thrown(() => buildPlan(load(JUDGED.comma[0]), { expandSubtasks: true }));
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect((err as MissingDependencyError).missing).toEqual([
      { task: "29.3", dependency: "29.1,29.2" },
      { task: "30", dependency: "29.1,29.2" },
    ]);
  });
});
