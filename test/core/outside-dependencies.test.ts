// The dependencies a task names that its run does not hold (what the graph draws dashed).
import { describe, expect, it } from "vitest";
import { outsideDependencies } from "../../src/core/outside-dependencies.js";
import { buildPlan, prepareGraph } from "../../src/core/plan.js";
import { parseTaskFile } from "../../src/core/taskmaster/index.js";

describe("dependencies outside the run", () => {
  const inRun = (id: string) => ["1", "2.1", "2.2"].includes(id);

  it("are the named ones the run does not hold, as the definition names them", () => {
    expect(outsideDependencies([1, 3], inRun)).toEqual(["3"]);
    expect(outsideDependencies(["1", "x"], inRun)).toEqual(["x"]);
    expect(outsideDependencies([1, "9"], inRun)).toEqual(["9"]);
    expect(outsideDependencies([1], inRun)).toEqual([]);
  });

  it("name a subtask's sibling by its full id: a bare number is resolved before the run is planned", () => {
    const file = JSON.stringify({
      master: {
        tasks: [
          {
            id: 1,
            title: "parent",
            status: "pending",
            dependencies: [],
            subtasks: [
              { id: 1, title: "done", status: "done", dependencies: [] },
              { id: 2, title: "next", status: "pending", dependencies: [1] },
            ],
          },
        ],
      },
    });
    const source = parseTaskFile(file, { file: "tasks.json" });
    const unit = (selection: string[]) => {
      const plan = buildPlan(source, { selection, expandSubtasks: true }, prepareGraph(source, { expandSubtasks: true }));
      const ids = new Set(plan.units.map((u) => u.id));
      return { ids, definition: plan.units.find((u) => u.id === "1.2")!.definition };
    };
    const alone = unit(["1.2"]);
    expect(outsideDependencies(alone.definition.dependencies, (id) => alone.ids.has(id))).toEqual(["1.1"]);
    const both = unit(["1.1", "1.2"]);
    expect(outsideDependencies(both.definition.dependencies, (id) => both.ids.has(id))).toEqual([]);
  });

  it("are none when the definition names none, or names them in no list", () => {
    expect(outsideDependencies(undefined, inRun)).toEqual([]);
    expect(outsideDependencies("1,3", inRun)).toEqual([]);
  });
});
