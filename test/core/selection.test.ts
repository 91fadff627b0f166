import { describe, expect, it } from "vitest";
import { EmptySelectionError, InvalidSelectionError } from "../../src/core/errors.js";
import { parseSelection } from "../../src/core/selection.js";
import { thrown } from "../support/thrown.js";

describe("parseSelection: range specs", () => {
  it.each([
    ["1", ["1"]],
    ["1-3", ["1", "2", "3"]],
    ["1-3,5", ["1", "2", "3", "5"]],
    [" 1 - 3 ,  5 , 2.1 ", ["1", "2", "3", "5", "2.1"]],
    ["7 . 2", ["7.2"]],
    ["3,1-4,2", ["3", "1", "2", "4"]], // first-seen order, duplicates dropped
    ["5-5", ["5"]],
    ["007", ["7"]],
    ["1.02", ["1.2"]],
    ["2.1,2.1,2", ["2.1", "2"]],
  ])("%j -> %j", (spec, ids) => {
    expect(parseSelection(spec)).toEqual(ids);
  });

  it.each([
    ["5-1", "5-1", "range start is greater than its end"],
    ["1,0", "0", "task ids start at 1"],
    ["0-3", "0-3", "task ids start at 1"],
    ["2.0", "2.0", "task ids start at 1"],
    ["-3", "-3", "negative"],
    ["1, -2", "-2", "negative"],
    ["1,,2", "", "empty item #2"],
    ["1,2,", "", "empty item #3"],
    ["abc", "abc", 'slugs must be given as a JSON array, e.g. ["abc"]'],
    ["1,rust-core", "rust-core", "JSON array"],
    ["1-2-3", "1-2-3", "not a task id"],
    ["1 0", "1 0", "not a task id"],
    ["1.2.3", "1.2.3", "not a task id"],
    ["1.5e3", "1.5e3", "not a task id"],
    ["99999999999999999999", "99999999999999999999", "too large"],
  ])("%j is rejected naming %j", (spec, part, why) => {
    const e = thrown(() => parseSelection(spec));
    expect(e).toBeInstanceOf(InvalidSelectionError);
    expect((e as InvalidSelectionError).part).toBe(part);
    expect(e.message).toContain(why);
    if (part !== "") expect(e.message).toContain(part);
  });

  it("reversed range message", () => {
    expect(thrown(() => parseSelection("5-1")).message).toBe("5-1: range start is greater than its end");
  });

  it("checks the limit before expanding, so huge ranges fail at once", () => {
    const started = Date.now();
    const e = thrown(() => parseSelection("1-1000000000"));
    expect(e).toBeInstanceOf(InvalidSelectionError);
    expect((e as InvalidSelectionError).part).toBe("1-1000000000");
    expect(e.message).toContain("100000");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("the limit counts every token, and is configurable", () => {
    expect(parseSelection("1-100000")).toHaveLength(100_000);
    expect((thrown(() => parseSelection("1-99999,100000-100001")) as InvalidSelectionError).part).toBe("100000-100001");
    expect(parseSelection("1-3", { limit: 3 })).toHaveLength(3);
    expect((thrown(() => parseSelection("1-3,4", { limit: 3 })) as InvalidSelectionError).part).toBe("4");
  });

  it.each(["", "   "])("empty spec %j is an EmptySelectionError", (spec) => {
    expect(thrown(() => parseSelection(spec))).toBeInstanceOf(EmptySelectionError);
  });
});

describe("parseSelection: JSON arrays and lists", () => {
  it.each([
    ['["rust-core", "rust-cli"]', ["rust-core", "rust-cli"]],
    ['[3, "2.1", " 4 ", "42-1"]', ["3", "2.1", "4", "42-1"]], // strings are literal ids, not ranges
    ['  [1, 1, "1", "01"] ', ["1"]],
  ])("%s -> %j", (spec, ids) => {
    expect(parseSelection(spec)).toEqual(ids);
  });

  it("accepts a list directly", () => {
    expect(parseSelection([5, "a-slug", "5", 2])).toEqual(["5", "a-slug", "2"]);
  });

  it("bad JSON names the input", () => {
    const e = thrown(() => parseSelection("[1, 2"));
    expect(e).toBeInstanceOf(InvalidSelectionError);
    expect(e.message).toContain("not a valid JSON array");
    expect((e as InvalidSelectionError).part).toBe("[1, 2");
  });

  it.each([
    ["[1, null]", 1, "null"],
    ['[1, {"id": 2}]', 1, '{"id":2}'],
    ["[true]", 0, "true"],
    ['["x", ""]', 1, '""'],
    ['["  "]', 0, '"  "'],
    ["[1.5]", 0, "1.5"],
    ["[0]", 0, "0"],
    ["[-2]", 0, "-2"],
    ["[[1]]", 0, "[1]"],
  ])("%s: element %i is rejected", (spec, index, shown) => {
    const e = thrown(() => parseSelection(spec));
    expect(e).toBeInstanceOf(InvalidSelectionError);
    expect(e.message).toContain(`element ${index} (${shown})`);
    expect((e as InvalidSelectionError).part).toBe(shown);
  });

  it("non-integer numbers are told to be strings", () => {
    expect(thrown(() => parseSelection([1.5])).message).toContain('write subtask ids as strings, e.g. "1.5"');
  });

  it("empty arrays and over-long lists", () => {
    expect(thrown(() => parseSelection("[]"))).toBeInstanceOf(EmptySelectionError);
    expect(thrown(() => parseSelection([]))).toBeInstanceOf(EmptySelectionError);
    expect(thrown(() => parseSelection([1, 2, 3], { limit: 2 }))).toBeInstanceOf(InvalidSelectionError);
  });
});
