import { describe, expect, it } from "vitest";
import {
  DependencyCycleError,
  EmptySelectionError,
  MissingDependencyError,
  NothingToRunError,
  SubtaskSelectionError,
  UnknownTasksError,
  UnsatisfiedDependencyError,
} from "../../src/core/errors.js";
import { buildPlan, type PlanOptions } from "../../src/core/plan.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { diamond } from "../support/diamond.js";
import { thrown } from "../support/thrown.js";

/** Units as "id<-dep,dep" using unit ids, to compare plans at a glance. */
const shape = (source: ReturnType<typeof inlineSource>, opts: PlanOptions = {}) => {
  const { units } = buildPlan(source, opts);
  return units.map((u) => (u.deps.length ? `${u.id}<-${u.deps.map((d) => units[d]!.id).join(",")}` : u.id));
};

describe("buildPlan: selection and order", () => {
  it("no selection: every top-level task in file order", () => {
    expect(shape(diamond)).toEqual(["1", "2<-1", "3<-2", "4", "5<-4,2"]);
  });

  it("selected ids keep the user's order (that order is priority)", () => {
    expect(shape(diamond, { selection: ["4", "5", "2", "1"] })).toEqual(["4", "5<-4,2", "2<-1", "1"]);
  });

  it("duplicates in the selection are collapsed", () => {
    expect(shape(diamond, { selection: ["4", "4"] })).toEqual(["4"]);
  });

  it("withDependencies pulls in what is missing, transitively, after the selection in file order", () => {
    expect(shape(diamond, { selection: ["5"], withDependencies: true })).toEqual(["5<-4,2", "1", "2<-1", "4"]);
    expect(shape(diamond, { selection: ["3", "4"], withDependencies: true })).toEqual(["3<-2", "4", "1", "2<-1"]);
  });

  it("without withDependencies, every unsatisfied dependency is named", () => {
    const e = thrown(() => buildPlan(diamond, { selection: ["3", "5"] }));
    expect(e).toBeInstanceOf(UnsatisfiedDependencyError);
    expect((e as UnsatisfiedDependencyError).missing).toEqual([
      { task: "3", dependency: "2" },
      { task: "5", dependency: "4" },
      { task: "5", dependency: "2" },
    ]);
    expect(e.message).toContain("3 -> 2, 5 -> 4, 5 -> 2");
  });

  it("unknown ids are all listed", () => {
    const e = thrown(() => buildPlan(diamond, { selection: ["1", "9", "x"] }));
    expect(e).toBeInstanceOf(UnknownTasksError);
    expect((e as UnknownTasksError).ids).toEqual(["9", "x"]);
  });

  it("an empty selection is bad input; an empty source is nothing to run", () => {
    const empty = thrown(() => buildPlan(diamond, { selection: [] }));
    expect(empty).toBeInstanceOf(EmptySelectionError);
    expect(empty).not.toBeInstanceOf(NothingToRunError);
    const none = thrown(() => buildPlan(inlineSource([])));
    expect(none).toBeInstanceOf(NothingToRunError);
    expect(none.message).toBe("the source has no tasks: nothing to run");
  });

  it("dependencies on ids that exist nowhere", () => {
    const source = inlineSource([
      { id: 1, dependencies: [7] },
      { id: 2, dependencies: [8, 1] },
    ]);
    const e = thrown(() => buildPlan(source, { withDependencies: true }));
    expect(e).toBeInstanceOf(MissingDependencyError);
    expect((e as MissingDependencyError).missing).toEqual([
      { task: "1", dependency: "7" },
      { task: "2", dependency: "8" },
    ]);
    // only planned units count
    const elsewhere = inlineSource([{ id: 1, dependencies: [7] }, { id: 2 }]);
    expect(() => buildPlan(elsewhere, { selection: ["2"] })).not.toThrow();
  });

  it("a missing dependency carried by work done or cancelled in the file is a warning, until that work runs", () => {
    const source = inlineSource([
      { id: 1, status: "done", dependencies: [7] },
      { id: 2, status: "cancelled", dependencies: [8] },
      { id: 3, dependencies: [1] },
    ]);
    const plan = buildPlan(source);
    expect(plan.units.map((u) => [u.id, u.initial?.status ?? "runs"])).toEqual([
      ["1", "skipped"],
      ["2", "skipped"],
      ["3", "runs"],
    ]);
    expect(plan.warnings).toEqual([
      "dependencies on ids that do not exist, on work done or cancelled in the file (not waited for): 1 -> 7, 2 -> 8",
    ]);
    const e = thrown(() => buildPlan(source, { includeDone: true }));
    expect(e).toBeInstanceOf(MissingDependencyError);
    expect((e as MissingDependencyError).missing).toEqual([
      { task: "1", dependency: "7" },
      { task: "2", dependency: "8" },
    ]);
  });

  it("a missing dependency of a done subtask folded into a parent that runs is a warning; of a pending one, refused", () => {
    const source = inlineSource([{ id: 1, subtasks: [{ id: 1, status: "done", dependencies: ["9.9"] }, { id: 2 }] }]);
    expect(buildPlan(source).warnings).toEqual([
      "dependencies on ids that do not exist, on work done or cancelled in the file (not waited for): 1.1 -> 9.9",
    ]);
    const pending = inlineSource([{ id: 1, subtasks: [{ id: 1, dependencies: ["9.9"] }, { id: 2 }] }]);
    expect((thrown(() => buildPlan(pending)) as MissingDependencyError).missing).toEqual([{ task: "1.1", dependency: "9.9" }]);
  });
});

describe("buildPlan: cycles", () => {
  it("spells one cycle out in dependency order", () => {
    const source = inlineSource([
      { id: 1 },
      { id: 2, dependencies: [4] },
      { id: 3, dependencies: [2] },
      { id: 4, dependencies: [3, 1] },
      { id: 5, dependencies: [2] },
    ]);
    const e = thrown(() => buildPlan(source)) as DependencyCycleError;
    expect(e).toBeInstanceOf(DependencyCycleError);
    expect(e.cycle).toEqual(["2", "4", "3"]);
    expect(e.message).toBe("dependency cycle: 2 -> 4 -> 3 -> 2");
  });

  it("a task depending on itself", () => {
    const e = thrown(() => buildPlan(inlineSource([{ id: 1, dependencies: [1] }]))) as DependencyCycleError;
    expect(e.cycle).toEqual(["1"]);
  });

  it("a cycle outside the selection does not matter unless pulled in", () => {
    const source = inlineSource([{ id: 1, dependencies: [2] }, { id: 2, dependencies: [1] }, { id: 3 }]);
    expect(shape(source, { selection: ["3"] })).toEqual(["3"]);
  });
});

describe("buildPlan: tasks the file marks done", () => {
  const source = inlineSource([
    { id: 1, status: "done" },
    { id: 2, dependencies: [1] },
    { id: 3, status: "cancelled" },
    { id: 4, dependencies: [3] },
    { id: 5, status: "DONE", dependencies: [2] },
  ]);

  it("are skipped units when selected, unless includeDone", () => {
    const { units } = buildPlan(source, { selection: ["1", "3", "2"] });
    expect(units.map((u) => u.initial)).toEqual([
      { status: "skipped", reason: "done in tasks file" },
      { status: "skipped", reason: "cancelled in tasks file" },
      undefined,
    ]);
    expect(buildPlan(source, { selection: ["1", "3"], includeDone: true }).units.every((u) => !u.initial)).toBe(true);
  });

  it("satisfy dependencies from outside the selection when done, not when cancelled", () => {
    const plan = buildPlan(source, { selection: ["2"] });
    expect(plan.units.map((u) => u.id)).toEqual(["2"]);
    expect(plan.units[0]!.deps).toEqual([]);
    expect(plan.satisfiedExternal).toEqual([{ id: "1", reason: "done" }]);

    expect(thrown(() => buildPlan(source, { selection: ["4"] }))).toBeInstanceOf(UnsatisfiedDependencyError);
    const pulled = buildPlan(source, { selection: ["4"], withDependencies: true });
    expect(pulled.units.map((u) => [u.id, u.deps, u.initial?.reason])).toEqual([
      ["4", [1], undefined],
      ["3", [], "cancelled in tasks file"],
    ]);
  });

  it("a unit that starts skipped needs nothing from outside the selection", () => {
    const plan = buildPlan(source, { selection: ["5"], withDependencies: true });
    expect(plan.units.map((u) => u.id)).toEqual(["5"]);
    expect(thrown(() => buildPlan(source, { selection: ["5"], includeDone: true }))).toBeInstanceOf(UnsatisfiedDependencyError);
  });

  it("warns when every unit is already settled", () => {
    expect(buildPlan(source, { selection: ["1", "5"] }).warnings).toEqual([
      "all 2 units are done or cancelled in the tasks file; use --include-done (includeDone in the API) to run them",
    ]);
  });
});

describe("buildPlan: external dependencies satisfied by memo keys", () => {
  it("a dependency with a cached success is not pulled in or required", () => {
    const full = buildPlan(diamond);
    const key2 = full.units.find((u) => u.id === "2")!.memoKey;
    const plan = buildPlan(diamond, { selection: ["3"], completedMemoKeys: new Set([key2]) });
    expect(plan.units.map((u) => u.id)).toEqual(["3"]);
    expect(plan.satisfiedExternal).toEqual([{ id: "2", reason: "memoized" }]);
    // the satisfied dependency still counts towards 3's key
    expect(plan.units[0]!.memoKey).toBe(full.units.find((u) => u.id === "3")!.memoKey);
  });

  it("a stale key does not satisfy: the dependency changed since", () => {
    const key2 = buildPlan(diamond).units.find((u) => u.id === "2")!.memoKey;
    const changed = inlineSource([
      { id: 1, details: "new" },
      { id: 2, dependencies: [1] },
      { id: 3, dependencies: [2] },
    ]);
    expect(thrown(() => buildPlan(changed, { selection: ["3"], completedMemoKeys: new Set([key2]) }))).toBeInstanceOf(
      UnsatisfiedDependencyError,
    );
  });
});

describe("buildPlan: subtasks", () => {
  // 1; 2 (deps 1) with subtasks 2.1, 2.2 (deps 2.1); 3 (deps 2); 4 (deps "2.2")
  const source = inlineSource([
    { id: 1 },
    { id: 2, dependencies: [1], subtasks: [{ id: 1 }, { id: 2, dependencies: [1] }] },
    { id: 3, dependencies: [2] },
    { id: 4, dependencies: ["2.2"] },
  ]);

  it("without expandSubtasks a parent is one unit; references to its subtasks mean it", () => {
    expect(shape(source)).toEqual(["1", "2<-1", "3<-2", "4<-2"]);
  });

  it("without expandSubtasks, subtask ids cannot be selected", () => {
    const e = thrown(() => buildPlan(source, { selection: ["2.1", "3", "2.2"] }));
    expect(e).toBeInstanceOf(SubtaskSelectionError);
    expect((e as SubtaskSelectionError).ids).toEqual(["2.1", "2.2"]);
    expect(e.message).toBe(
      "subtasks 2.1, 2.2 can only be selected with --expand-subtasks (expandSubtasks in the API) (or select the parent task instead)",
    );
  });

  it("with expandSubtasks: subtasks at the parent's place, then its group; dependents wait for the group", () => {
    const plan = buildPlan(source, { expandSubtasks: true });
    expect(shape(source, { expandSubtasks: true })).toEqual(["1", "2.1<-1", "2.2<-2.1,1", "2<-2.1,2.2", "3<-2", "4<-2.2"]);
    expect(plan.units.map((u) => u.kind)).toEqual(["task", "task", "task", "group", "task", "task"]);
    expect(plan.units[1]!.definition).toEqual({
      id: "2.1",
      title: "2.1",
      status: "pending",
      dependencies: [],
      parentId: "2",
    });
  });

  it("selecting a parent selects its subtasks; a subtask alone waits for its parent's dependencies", () => {
    expect(shape(source, { expandSubtasks: true, selection: ["3", "2"], withDependencies: true })).toEqual([
      "3<-2",
      "2.1<-1",
      "2.2<-2.1,1",
      "2<-2.1,2.2",
      "1",
    ]);
    expect(shape(source, { expandSubtasks: true, selection: ["2.2", "1"], withDependencies: true })).toEqual(["2.2<-2.1,1", "1", "2.1<-1"]);
  });

  it("a folded parent waits for what its subtasks wait for, except itself", () => {
    const source = inlineSource([
      { id: 1, subtasks: [{ id: 9 }] },
      { id: 2, subtasks: [{ id: 1, dependencies: ["1.9", 2] }, { id: 2 }] },
      { id: 3, subtasks: [{ id: 1, dependencies: [3] }] }, // no sibling 3.3: top-level 3, its own parent
    ]);
    expect(shape(source)).toEqual(["1", "2<-1", "3"]);
    // expanded, 3.1 waiting for its own group is a real cycle
    const e = thrown(() => buildPlan(source, { expandSubtasks: true })) as DependencyCycleError;
    expect(e.cycle).toEqual(["3.1", "3"]);
    expect(shape(source, { expandSubtasks: true, selection: ["2"], withDependencies: true })).toEqual([
      "2.1<-1.9,2.2",
      "2.2",
      "2<-2.1,2.2",
      "1.9",
    ]);
  });
});

describe("buildPlan: units", () => {
  it("definition holds the task's own fields; command is the per-task override", () => {
    const source = inlineSource([
      {
        id: 1,
        title: "Build",
        description: "d",
        details: "x",
        testStrategy: "t",
        command: "make",
        subtasks: [{ id: 1 }],
      },
    ]);
    const [unit] = buildPlan(source, { command: "run {id}" }).units;
    expect(unit).toMatchObject({ index: 0, id: "1", title: "Build", kind: "task", command: "make", deps: [] });
    expect(unit!.definition).toEqual({
      id: "1",
      title: "Build",
      description: "d",
      details: "x",
      testStrategy: "t",
      status: "pending",
      dependencies: [],
    });
    expect(buildPlan(inlineSource([1]), { command: "run {id}" }).units[0]!.command).toBeUndefined();
  });

  it("leaves the source's warnings to the source, so each is said once", () => {
    const source = inlineSource([{ id: 1, status: "completed" }, { id: 2 }]);
    expect(source.warnings).toEqual(['task 1 has the non-standard status "completed": read as "done"']);
    expect(buildPlan(source).warnings).toEqual([]);
  });
});

describe("buildPlan at scale (correctness only; linear algorithms)", () => {
  const N = 100_000;
  const chain = inlineSource(Array.from({ length: N }, (_, i) => ({ id: i + 1, dependencies: i ? [i] : [] })));

  it("plans a 100,000-unit chain", () => {
    const { units } = buildPlan(chain);
    expect(units).toHaveLength(N);
    expect(units[0]!.deps).toEqual([]);
    expect(units[N - 1]!.deps).toEqual([N - 2]);
    expect(new Set(units.map((u) => u.memoKey)).size).toBe(N);
  });

  it("pulls in a 100,000-unit chain from its last task", () => {
    const { units } = buildPlan(chain, { selection: [String(N)], withDependencies: true });
    expect(units).toHaveLength(N);
    expect(units[0]!.id).toBe(String(N));
    expect(units[1]!.id).toBe("1");
    expect(units[0]!.deps).toEqual([N - 1]);
  });

  it("finds a 100,000-unit cycle without recursion", () => {
    const ring = inlineSource(Array.from({ length: N }, (_, i) => ({ id: i + 1, dependencies: [((i + 1) % N) + 1] })));
    const e = thrown(() => buildPlan(ring)) as DependencyCycleError;
    expect(e).toBeInstanceOf(DependencyCycleError);
    expect(e.cycle).toHaveLength(N);
    expect(e.cycle.slice(0, 3)).toEqual(["1", "2", "3"]);
  });
});
