// The dependencies a task names that its run does not hold (what the graph draws dashed).
import { describe, expect, it } from "vitest";
import { outsideDependencies } from "../../src/core/outside-dependencies.js";

describe("dependencies outside the run", () => {
  const inRun = (id: string) => ["1", "2.1", "2.2"].includes(id);

  it("are the named ones the run does not hold, as the definition names them", () => {
    expect(outsideDependencies([1, 3], "4", inRun)).toEqual(["3"]);
    expect(outsideDependencies(["1", "x"], "4", inRun)).toEqual(["x"]);
  });

  it("count a subtask's sibling named by its bare number as in the run", () => {
    expect(outsideDependencies([1, "9"], "2.2", inRun)).toEqual(["9"]);
    expect(outsideDependencies([1], "3.1", inRun)).toEqual([]);
  });

  it("are none when the definition names none, or names them in no list", () => {
    expect(outsideDependencies(undefined, "2.2", inRun)).toEqual([]);
    expect(outsideDependencies("1,3", "4", inRun)).toEqual([]);
  });
});
