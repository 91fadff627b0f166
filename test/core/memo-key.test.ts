import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SubtaskSelectionError, UnknownTasksError } from "../../src/core/errors.js";
import { sourceMemoKey } from "../../src/core/memo-key.js";
import { buildPlan, type PlanOptions } from "../../src/core/plan.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";

/** Reference canonical JSON: keys sorted at every level, undefined members dropped. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const keysOf = (defs: unknown[], opts: PlanOptions = {}) =>
  Object.fromEntries(buildPlan(inlineSource(defs), opts).units.map((u) => [u.id, u.memoKey]));

const base = [
  { id: 1, title: "A", details: "a" },
  { id: 2, title: "B", dependencies: [1] },
  { id: 3, title: "C", dependencies: [2] },
  { id: 4, title: "D" },
];
const edit = (id: number, change: Record<string, unknown>) => base.map((t) => (t.id === id ? { ...t, ...change } : t));

describe("memo keys", () => {
  it("are the sha256 of the sorted-key JSON of the task's content and its dependencies' keys", () => {
    const keys = keysOf(base, { command: "run {id}" });
    const k1 = sha256(canonical({ id: "1", title: "A", details: "a", command: "run {id}", deps: [] }));
    expect(keys["1"]).toBe(k1);
    expect(keys["2"]).toBe(sha256(canonical({ id: "2", title: "B", command: "run {id}", deps: [k1] })));
  });

  it("change when the task's content or command changes", () => {
    const before = keysOf(base);
    const changes = [{ title: "A2" }, { details: "b" }, { description: "x" }, { testStrategy: "t" }, { command: "x" }];
    for (const change of changes) {
      expect(keysOf(edit(4, change))["4"]).not.toBe(before["4"]);
    }
    expect(keysOf(base, { command: "other" })["4"]).not.toBe(before["4"]);
  });

  it("change when anything upstream changes, transitively", () => {
    const before = keysOf(base);
    const after = keysOf(edit(1, { details: "changed" }));
    expect(after["1"]).not.toBe(before["1"]);
    expect(after["2"]).not.toBe(before["2"]);
    expect(after["3"]).not.toBe(before["3"]);
    expect(after["4"]).toBe(before["4"]);
  });

  it("do not change when an unrelated task changes, nor with status or priority", () => {
    const before = keysOf(base);
    const after = keysOf(edit(4, { title: "D2" }));
    expect([after["1"], after["2"], after["3"]]).toEqual([before["1"], before["2"], before["3"]]);
    const restated = keysOf(edit(1, { status: "in-progress", priority: "high" }));
    expect(restated).toEqual(before);
  });

  it("do not depend on selection, plan order or dependency order", () => {
    const all = keysOf(base);
    const source = inlineSource(base);
    const { units } = buildPlan(source, { selection: ["3", "4"], withDependencies: true });
    expect(units.find((u) => u.id === "3")!.memoKey).toBe(all["3"]);
    const twoDeps = (deps: number[]) => keysOf([...base, { id: 5, dependencies: deps }])["5"];
    expect(twoDeps([1, 4])).toBe(twoDeps([4, 1]));
  });

  it("a folded parent's key covers its subtasks; a group's covers them through its dependencies", () => {
    const withSub = (details: string) => [
      { id: 1, subtasks: [{ id: 1, details }] },
      { id: 2, dependencies: [1] },
    ];
    expect(keysOf(withSub("a"))["1"]).not.toBe(keysOf(withSub("b"))["1"]);
    const [a, b] = [keysOf(withSub("a"), { expandSubtasks: true }), keysOf(withSub("b"), { expandSubtasks: true })];
    expect(a["1.1"]).not.toBe(b["1.1"]);
    expect(a["1"]).not.toBe(b["1"]);
    expect(a["2"]).not.toBe(b["2"]);
  });
});

describe("sourceMemoKey", () => {
  const source = inlineSource([
    { id: 1, subtasks: [{ id: 1 }, { id: 2, dependencies: [1] }] },
    { id: 2, dependencies: [1] },
  ]);

  it("is the key the task's unit has in a plan with the same options", () => {
    for (const expandSubtasks of [false, true]) {
      const opts = { expandSubtasks, command: "c" };
      for (const unit of buildPlan(source, opts).units) expect(sourceMemoKey(source, unit.id, opts)).toBe(unit.memoKey);
    }
  });

  it("names ids that are not units", () => {
    expect(() => sourceMemoKey(source, "9")).toThrow(UnknownTasksError);
    expect(() => sourceMemoKey(source, "1.2")).toThrow(SubtaskSelectionError);
    expect(sourceMemoKey(source, "1.2", { expandSubtasks: true })).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives tasks on or behind a cycle a stable key, whatever is asked first", () => {
    const cyclic = [
      { id: 1, dependencies: [2] },
      { id: 2, dependencies: [1] },
      { id: 3, status: "done", dependencies: [2] },
    ];
    const first = inlineSource(cyclic);
    const second = inlineSource([...cyclic].reverse());
    for (const id of ["1", "2", "3"]) expect(sourceMemoKey(first, id)).toBe(sourceMemoKey(second, id));
    expect(sourceMemoKey(first, "1")).not.toBe(sourceMemoKey(first, "2"));
    // and they still change with upstream content
    const edited = inlineSource([{ ...cyclic[0]!, title: "new" }, cyclic[1]!, cyclic[2]!]);
    expect(sourceMemoKey(edited, "3")).not.toBe(sourceMemoKey(first, "3"));
  });
});
