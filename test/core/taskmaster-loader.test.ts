// Task Master files in every layout and oddity the real corpus shows, on the
// fixtures the repository owns (test/fixtures/taskmaster/). The same checks over
// the real files are the extra corpus suite's (test-corpus/).
import { describe, expect, it } from "vitest";
import {
  DependencyCycleError,
  DuplicateTaskIdError,
  EmptySelectionError,
  InvalidTaskFileError,
  MissingDependencyError,
  TaskFileSyntaxError,
  UnknownTagError,
  UnsatisfiedDependencyError,
} from "../../src/core/errors.js";
import { buildPlan } from "../../src/core/plan.js";
import type { SourceTask, TaskSource } from "../../src/core/task.js";
import { inlineSource, parseTaskFile } from "../../src/core/taskmaster/index.js";
import { OWNED_FIXTURES, readFixture } from "../support/taskmaster-fixtures.js";
import { thrown } from "../support/thrown.js";
import { describeEveryFile, type CorpusFacts } from "../taskmaster/suites/loader-suite.js";

const load = (file: string, tag?: string) => parseTaskFile(readFixture(file), { file, tag });

const find = (source: TaskSource, id: string): SourceTask | undefined =>
  source.tasks.flatMap((t) => [t, ...t.subtasks]).find((t) => t.id === id);

/** What each owned fixture holds (each file says in its name which real-world shape it stands for). */
const FACTS: CorpusFacts = {
  files: {
    "bare-list.json": { format: "bare-list", tags: { "": 3 }, subtasks: 8 },
    "cli-tagged.json": { format: "tagged", tags: { master: 8, "feature-ui": 2 }, subtasks: 3 },
    "comma-deps.json": { format: "legacy", tags: { "": 4 }, subtasks: 3 },
    "empty-tag.json": { format: "tagged", tags: { master: 2, someday: 0 }, subtasks: 0 },
    "legacy-completed.json": { format: "legacy", tags: { "": 4 }, subtasks: 8 },
    "legacy-float-ids.json": { format: "legacy", tags: { "": 4 }, subtasks: 8 },
    "legacy-sibling-deps.json": { format: "legacy", tags: { "": 5 }, subtasks: 7 },
    "legacy-string-ids.json": { format: "legacy", tags: { "": 3 }, subtasks: 0 },
    "no-master-tag.json": { format: "tagged", tags: { firmware: 4 }, subtasks: 0 },
    "slug-ids.json": { format: "tagged", tags: { master: 5 }, subtasks: 6 },
    "subtask-cycles.json": { format: "tagged", tags: { master: 10, "test-tag": 1 }, subtasks: 15 },
    "tag-array.json": { format: "tag-array", tags: { master: 5 }, subtasks: 0 },
    "tagged-missing-status.json": { format: "tagged", tags: { master: 4 }, subtasks: 7 },
    "three-tags.json": { format: "tagged", tags: { master: 6, "hotfix-gate": 3, "feat-harvest": 4 }, subtasks: 5 },
    "top-level-cycle.json": { format: "tagged", tags: { master: 10 }, subtasks: 2 },
  },
  completed: {
    "legacy-completed.json": 6,
    "legacy-sibling-deps.json": 2,
    "tagged-missing-status.json": 1,
  },
  broken: {
    "top-level-cycle.json master": [DependencyCycleError, DependencyCycleError],
    "subtask-cycles.json master": [undefined, DependencyCycleError],
    "subtask-cycles.json test-tag": [MissingDependencyError, MissingDependencyError],
    "comma-deps.json ": [MissingDependencyError, MissingDependencyError],
    "empty-tag.json someday": [EmptySelectionError, EmptySelectionError],
  },
};

describe("every owned fixture", () => {
  describeEveryFile(OWNED_FIXTURES, FACTS);
});

describe("fixture specifics", () => {
  it("top-level cycle: 3 and 7 depend on each other", () => {
    const source = load("top-level-cycle.json");
    expect((thrown(() => buildPlan(source, { selection: ["3", "7"] })) as DependencyCycleError).cycle).toEqual(["3", "7"]);
    const pulled = thrown(() => buildPlan(source, { selection: ["3"], withDependencies: true }));
    expect(pulled).toBeInstanceOf(DependencyCycleError);
    expect(pulled.message).toBe("dependency cycle: 3 -> 7 -> 3");
    const alone = thrown(() => buildPlan(source, { selection: ["3"] }));
    expect(alone).toBeInstanceOf(UnsatisfiedDependencyError);
    expect((alone as UnsatisfiedDependencyError).missing).toContainEqual({ task: "3", dependency: "7" });
  });

  it("subtask cycles only matter with expandSubtasks", () => {
    const source = load("subtask-cycles.json");
    expect(buildPlan(source, { selection: ["3"] }).units.map((u) => u.id)).toEqual(["3"]);
    const e = thrown(() => buildPlan(source, { selection: ["3"], expandSubtasks: true, includeDone: true }));
    expect(e).toBeInstanceOf(DependencyCycleError);
    expect((e as DependencyCycleError).cycle.sort()).toEqual(["3.2", "3.4"]);
    // task 4's subtasks are "4-1"... : canonical ids keep them after the parent
    expect(find(source, "4")!.subtasks.map((s) => s.id)).toEqual(["4.4-1", "4.4-2", "4.4-3"]);
    expect(find(source, "4.4-2")!.dependencies).toEqual(["4.4-1"]);
    expect(find(source, "4.4-3")!.dependencies).toEqual([]); // no "dependencies" field
    expect(source.tasks.flatMap((t) => t.subtasks).filter((s) => s.status === "cancelled")).toHaveLength(2);
    expect(source.tasks.map((t) => t.status)).toEqual(expect.arrayContaining(["in-progress", "deferred", "cancelled", "review"]));
  });

  it("test-tag: task 1 depends on missing 16", () => {
    const source = load("subtask-cycles.json", "test-tag");
    const e = thrown(() => buildPlan(source));
    expect(e).toBeInstanceOf(MissingDependencyError);
    expect((e as MissingDependencyError).missing).toEqual([{ task: "1", dependency: "16" }]);
  });

  it("a file without master reads its only tag, with a warning; asking for master lists the tags", () => {
    const source = load("no-master-tag.json");
    expect(source.tag).toBe("firmware");
    expect(source.warnings[0]).toContain('no "master" tag');
    const e = thrown(() => load("no-master-tag.json", "master"));
    expect(e).toBeInstanceOf(UnknownTagError);
    expect((e as UnknownTagError).available).toEqual(["firmware"]);
  });

  it("several tags and an unknown one: UnknownTagError lists them", () => {
    const e = thrown(() => load("three-tags.json", "nope"));
    expect(e).toBeInstanceOf(UnknownTagError);
    expect(e.message).toContain("master, hotfix-gate, feat-harvest");
  });

  it("stale metadata.taskCount is a warning", () => {
    expect(load("three-tags.json").warnings).toContain('metadata.taskCount of tag "master" says 7, but it has 6 tasks');
  });

  it("null fields read as absent (subtasks: null, testStrategy: null)", () => {
    const source = load("three-tags.json", "feat-harvest");
    expect(find(source, "1")!.subtasks).toEqual([]);
    expect(find(source, "2.2")!.dependencies).toEqual(["2.1"]);
    expect(find(source, "4")!.dependencies).toEqual(["1", "3"]); // string ids and dependencies
  });

  it("slug ids and slug dependencies resolve, sibling first", () => {
    const source = load("slug-ids.json");
    expect(find(source, "ledger-models")!.dependencies).toEqual(["ledger-core"]);
    expect(find(source, "rounding-issues.banker-rounding")!.dependencies).toEqual(["rounding-issues.reproduce-drift"]);
    // no sibling of that name: the top-level task
    expect(find(source, "year-end-close.trial-balance")!.dependencies).toEqual(["ledger-models"]);
    expect(source.warnings).toContain("ignored 2 nested subtasks (subtasks of subtasks)");
  });

  it("full dotted subtask ids and dotted dependencies (bare list)", () => {
    const source = load("bare-list.json");
    expect(find(source, "2")!.subtasks.map((s) => s.id)).toEqual(["2.1", "2.2", "2.3", "2.4"]);
    expect(find(source, "2.4")!.dependencies).toEqual(["2.1", "2.2", "2.3"]);
    expect(find(source, "2.4")!.parentId).toBe("2");
    expect(find(source, "1")!.subtasks.map((s) => s.id)).toEqual(["1.1"]);
  });

  it("non-integer JSON number subtask ids", () => {
    const source = load("legacy-float-ids.json");
    expect(find(source, "3")!.subtasks.map((s) => s.id)).toEqual(["3.1", "3.2", "3.3", "3.4"]);
    expect(find(source, "3.2")!.dependencies).toEqual(["3.1"]);
    expect(find(source, "1")!.subtasks.map((s) => s.id)).toEqual(["1.1", "1.2", "1.3"]);
    expect(find(source, "4")!.subtasks[0]!.id).toBe("4.1");
    expect(find(source, "1.1")!.dependencies).toEqual([]); // no "dependencies" field
  });

  it("numeric subtask dependencies mean siblings; dotted strings are as written", () => {
    const source = load("subtask-cycles.json");
    expect(find(source, "3.2")!.dependencies).toEqual(["3.4"]);
    expect(find(source, "3.3")!.dependencies).toEqual(["2.1"]);
    expect(find(load("legacy-sibling-deps.json"), "4.7")!.dependencies).toEqual(["4.6"]);
  });

  it("missing subtask statuses read as pending; completed as done", () => {
    const source = load("tagged-missing-status.json");
    const subs = source.tasks.flatMap((t) => t.subtasks);
    expect(subs.filter((s) => s.status === "pending")).toHaveLength(4);
    expect(source.tasks.filter((t) => t.status === "done")).toHaveLength(4);
    expect(find(source, "2.1")!.dependencies).toEqual([]);
  });

  it("no dependency fields anywhere: none", () => {
    const source = load("legacy-completed.json");
    expect(source.tasks.flatMap((t) => [t, ...t.subtasks]).every((t) => t.dependencies.length === 0)).toBe(true);
    expect(find(source, "2")!.subtasks.map((s) => s.id)).toEqual(["2.1", "2.2", "2.3"]);
  });

  it("ids written by the current CLI: strings in master, numbers in feature-ui", () => {
    const master = load("cli-tagged.json");
    expect(find(master, "2")!.dependencies).toEqual(["1"]);
    expect(find(master, "5.3")!.dependencies).toEqual(["5.1", "5.2"]);
    const ui = load("cli-tagged.json", "feature-ui");
    expect(ui.format).toBe("tagged");
    expect(find(ui, "2")!.dependencies).toEqual(["1"]);
  });

  it("string ids in the legacy layout and in a tag holding a bare array", () => {
    expect(find(load("legacy-string-ids.json"), "3")!.dependencies).toEqual(["1"]);
    const array = load("tag-array.json");
    expect(array.tag).toBe("master");
    expect(find(array, "4")!.dependencies).toEqual(["2", "3"]);
    expect(find(array, "4")!.title).toBe("Éclair glaze — three colours");
  });

  it("a comma-joined dependency string is one id, which does not exist", () => {
    const source = load("comma-deps.json");
    expect(find(source, "30")!.dependencies).toEqual(["29.1,29.2"]);
    expect(find(source, "29.3")!.dependencies).toEqual(["29.1,29.2"]);
    const e = thrown(() => buildPlan(source, { selection: ["30"], withDependencies: true }));
    expect(e).toBeInstanceOf(MissingDependencyError);
    expect((e as MissingDependencyError).missing).toEqual([{ task: "30", dependency: "29.1,29.2" }]);
  });

  it("an empty tag loads with no tasks; there is nothing to run", () => {
    const source = load("empty-tag.json", "someday");
    expect(source.tasks).toEqual([]);
    expect(thrown(() => buildPlan(source)).message).toBe("the source has no tasks: nothing to run");
  });

  it.each([
    ["task-without-title.json", "master.tasks[1].title"],
    ["subtask-without-title.json", "tasks[0].subtasks[1].title"],
  ])("refused/%s: a missing title is refused, naming where", (file, path) => {
    const e = thrown(() => parseTaskFile(readFixture(`refused/${file}`), { file }));
    expect(e).toBeInstanceOf(InvalidTaskFileError);
    expect((e as InvalidTaskFileError).path).toBe(path);
    expect(e.message).toBe(`${file}: ${path}: missing title`);
  });
});

describe("parseTaskFile: layouts and rules", () => {
  const tagged = (tasks: unknown[], tag = "master") => JSON.stringify({ [tag]: { tasks, metadata: {} } });

  it("reads the four layouts", () => {
    const task = { id: 1, title: "A", status: "pending", dependencies: [] };
    expect(parseTaskFile(tagged([task])).format).toBe("tagged");
    expect(parseTaskFile(JSON.stringify({ master: [task] })).format).toBe("tag-array");
    expect(parseTaskFile(JSON.stringify({ tasks: [task] })).format).toBe("legacy");
    expect(parseTaskFile(JSON.stringify([task])).format).toBe("bare-list");
    expect(parseTaskFile(JSON.stringify({ tasks: [task] }), { tag: "master" }).tasks).toHaveLength(1);
    expect(thrown(() => parseTaskFile(JSON.stringify([task]), { tag: "dev" }))).toBeInstanceOf(UnknownTagError);
  });

  it("several tags but no master and no tag given: UnknownTagError listing them", () => {
    const text = JSON.stringify({ a: { tasks: [] }, b: { tasks: [] } });
    const e = thrown(() => parseTaskFile(text));
    expect(e).toBeInstanceOf(UnknownTagError);
    expect((e as UnknownTagError).available).toEqual(["a", "b"]);
  });

  it("invalid JSON reports line and column", () => {
    const e = thrown(() => parseTaskFile('{\n  "master": {\n    "tasks": [1,]\n  }\n}', { file: "t.json" }));
    expect(e).toBeInstanceOf(TaskFileSyntaxError);
    expect(e).toBeInstanceOf(InvalidTaskFileError);
    expect(e.message).toBe("t.json: invalid JSON at line 3, column 17: unexpected ']', expected a value");
    expect((e as TaskFileSyntaxError).line).toBe(3);
  });

  it.each([
    ['{"a": 1}{"b": 2}', 1, 9, "after the JSON value"],
    ['{"a": 1', 1, 8, "unexpected end of input"],
    ["", 1, 1, "unexpected end of input"],
    ["{'a': 1}", 1, 2, "property name in double quotes"],
    ['{"a" 1}', 1, 6, "expected ':'"],
    ['[1 2]', 1, 4, "expected ',' or ']'"],
    ['{"a": "x\ny"}', 1, 7, "invalid string"],
    ['[tru]', 1, 2, "expected a value"],
  ])("syntax error in %j at %i:%i", (text, line, column, why) => {
    const e = thrown(() => parseTaskFile(text)) as TaskFileSyntaxError;
    expect(e).toBeInstanceOf(TaskFileSyntaxError);
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.message).toContain(why);
  });

  it.each([
    [tagged([{ id: 1, title: "A" }, 2]), "master.tasks[1]", "must be an object"],
    [tagged([{ id: 1, title: "A" }, {}, {}, { title: "B" }]), "master.tasks[1].id", "missing task id"],
    [tagged([{ id: true, title: "A" }]), "master.tasks[0].id", "invalid task id"],
    [tagged([{ id: 1 }]), "master.tasks[0].title", "missing title"],
    [tagged([{ id: 1, title: "A", details: 5 }]), "master.tasks[0].details", "must be a string"],
    [tagged([{ id: 1, title: "A", dependencies: "2" }]), "master.tasks[0].dependencies", "must be an array"],
    [tagged([{ id: 1, title: "A", dependencies: [2, null] }]), "master.tasks[0].dependencies[1]", "invalid dependency"],
    [
      tagged([{ id: 1, title: "A", subtasks: [{ id: 1, title: "s" }, { title: "t" }] }]),
      "master.tasks[0].subtasks[1].id",
      "missing task id",
    ],
    [
      tagged([{ id: 2, title: "A", subtasks: [{ id: "3.1", title: "s" }] }]),
      "master.tasks[0].subtasks[0].id",
      "does not belong",
    ],
    [tagged([{ id: 1 }], "x y"), '["x y"].tasks[0].title', "missing title"],
    [JSON.stringify({ master: { tasks: 5 } }), "master.tasks", "must be an array"],
    [JSON.stringify({ tasks: [{ id: 1 }] }), "tasks[0].title", "missing title"],
    [JSON.stringify([{ id: 1, title: "A" }, { id: "" }]), "[1].id", "invalid task id"],
  ])("schema error at %#", (text, path, why) => {
    const e = thrown(() => parseTaskFile(text, { file: "f.json", tag: text.includes("x y") ? "x y" : undefined }));
    expect(e).toBeInstanceOf(InvalidTaskFileError);
    expect((e as InvalidTaskFileError).path).toBe(path);
    expect(e.message).toContain(`f.json: ${path}: `);
    expect(e.message).toContain(why);
  });

  it("not Task Master's schema at all", () => {
    expect(thrown(() => parseTaskFile('"tasks"'))).toBeInstanceOf(InvalidTaskFileError);
    expect(thrown(() => parseTaskFile('{"todo": [1], "x": 2}'))).toBeInstanceOf(InvalidTaskFileError);
  });

  it("duplicate ids, including a subtask written two ways", () => {
    const dup = thrown(() => parseTaskFile(tagged([{ id: 1, title: "A" }, { id: "1", title: "B" }])));
    expect(dup).toBeInstanceOf(DuplicateTaskIdError);
    expect((dup as DuplicateTaskIdError).ids).toEqual(["1"]);
    const twice = [{ id: 3, title: "A", subtasks: [{ id: 1, title: "s" }, { id: "3.1", title: "t" }] }];
    const sub = thrown(() => parseTaskFile(tagged(twice)));
    expect((sub as DuplicateTaskIdError).ids).toEqual(["3.1"]);
  });

  it("statuses lower-cased, missing ones pending, missing dependencies empty", () => {
    const source = parseTaskFile(
      tagged([{ id: 1, title: "A", status: "In-Progress" }, { id: 2, title: "B", status: null }]),
    );
    expect(source.tasks.map((t) => [t.status, t.dependencies])).toEqual([
      ["in-progress", []],
      ["pending", []],
    ]);
  });

  it("Task Master's dependency rules", () => {
    const source = parseTaskFile(
      tagged([
        { id: 1, title: "A" },
        { id: 2, title: "B", dependencies: [1, "1", "3.1", "03"] },
        {
          id: 3,
          title: "C",
          subtasks: [
            { id: 1, title: "c1", dependencies: [7] }, // no sibling 3.7: top-level 7
            { id: 2, title: "c2", dependencies: [1, "2.9", "1"] }, // sibling 3.1, "2.9" as written
            { id: 3, title: "c3", dependencies: ["2", 3.2] }, // sibling "3.2"; JSON number 3.2 is "3.2"
          ],
        },
      ]),
    );
    expect(find(source, "2")!.dependencies).toEqual(["1", "3.1", "3"]);
    expect(find(source, "3.1")!.dependencies).toEqual(["7"]);
    expect(find(source, "3.2")!.dependencies).toEqual(["3.1", "2.9"]);
    expect(find(source, "3.3")!.dependencies).toEqual(["3.2"]);
  });

  it("ignores a byte-order mark", () => {
    expect(parseTaskFile(`\uFEFF${tagged([{ id: 1, title: "A" }])}`).tasks).toHaveLength(1);
  });
});

describe("inlineSource", () => {
  it("bare ids: titled by their id, origin ids", () => {
    const source = inlineSource([1, "two", " 03 "]);
    expect(source).toMatchObject({ origin: "ids", format: "inline", warnings: [] });
    expect(source.tasks.map((t) => [t.id, t.title, t.status, t.dependencies])).toEqual([
      ["1", "1", "pending", []],
      ["two", "two", "pending", []],
      ["3", "3", "pending", []],
    ]);
  });

  it("objects with commands, subtasks and Task Master dependency rules", () => {
    const source = inlineSource([
      { id: 1, command: "make a" },
      { id: 2, dependencies: [1], status: "Completed", subtasks: [{ id: 1 }, { id: 2, dependencies: [1] }] },
      3,
    ]);
    expect(source.origin).toBe("inline");
    expect(find(source, "1")).toMatchObject({ title: "1", command: "make a" });
    expect(find(source, "2.2")!.dependencies).toEqual(["2.1"]);
    expect(find(source, "2")!.status).toBe("done");
    expect(source.warnings).toEqual(['1 task has the non-standard status "completed"; read as "done"']);
  });

  it("rejects what is neither an object nor an id", () => {
    const e = thrown(() => inlineSource([1, null]));
    expect(e).toBeInstanceOf(InvalidTaskFileError);
    expect((e as InvalidTaskFileError).path).toBe("tasks[1]");
    expect(thrown(() => inlineSource([{ title: "x" }]))).toBeInstanceOf(InvalidTaskFileError);
    expect(thrown(() => inlineSource([1, "01"]))).toBeInstanceOf(DuplicateTaskIdError);
  });
});
