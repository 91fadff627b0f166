// The WorkflowTemplate's expand step applies Conveyor's selection rules: its
// script (taken from the YAML) is run with node and compared with parseSelection.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseSelection } from "../../src/core/selection.js";

const template = parse(readFileSync("deploy/argo/multi-task-processor.yaml", "utf8"));
const source: string = template.spec.templates.find((t: { name: string }) => t.name === "expand").script.source;

function expand(env: Record<string, string>): { lanes?: string[][]; error?: string } {
  try {
    const out = execFileSync(process.execPath, ["-e", source], {
      env: { ...env, PATH: process.env.PATH ?? "" },
      encoding: "utf8",
      stdio: "pipe",
    });
    return { lanes: JSON.parse(out) };
  } catch (e) {
    return { error: String((e as { stderr?: string }).stderr) };
  }
}

describe("expand step", () => {
  it.each(["1-5", " 1 - 3 , 7,9-11 ", "3.2,3.02,1", "2,2,1-3", '["auth-setup", 4, "42-1", " 03.010 "]'])(
    "expands %s like parseSelection",
    (spec) => {
      const asList = spec.trim().startsWith("[");
      const { lanes } = expand({ ...(asList ? { TASK_LIST: spec } : { TASK_RANGE: spec }), LANES: "1" });
      expect(lanes).toEqual([parseSelection(spec)]);
    },
  );

  it.each(["", "0", "5-3", "1,,2", "-2", "auth", "1-200000", "[1.5]", "[]", "[0]", "[1"])("refuses %j as parseSelection does", (spec) => {
    expect(() => parseSelection(spec)).toThrow();
    expect(expand({ TASK_RANGE: spec, LANES: "2" }).error).toBeTruthy();
  });

  it("deals ids round-robin into max-parallel-tasks lanes; task-list wins over task-range", () => {
    expect(expand({ TASK_RANGE: "1-5", LANES: "2" }).lanes).toEqual([
      ["1", "3", "5"],
      ["2", "4"],
    ]);
    expect(expand({ TASK_LIST: '["a","b"]', TASK_RANGE: "1-5", LANES: "4" }).lanes).toEqual([["a"], ["b"]]);
  });
});
