// Task Master files in every layout and oddity the real corpus shows, on the
// fixtures the repository owns (test/fixtures/taskmaster/). The same checks over
// the real files are the extra corpus suite's (test-corpus/).
import { describe, expect, it } from "vitest";
import {
  DependencyCycleError,
  DuplicateTaskIdError,
  InvalidTaskFileError,
  MissingDependencyError,
  NothingToRunError,
  TaskFileSyntaxError,
  UnknownTagError,
  UnsatisfiedDependencyError,
} from "../../src/core/errors.js";
import { buildPlan } from "../../src/core/plan.js";
import type { SourceTask, TaskSource } from "../../src/core/task.js";
import { inlineSource, parseTaskFile } from "../../src/core/taskmaster/index.js";
import { fixtureFiles, OWNED_FIXTURES, readFixture } from "../support/taskmaster-fixtures.js";
import { thrown } from "../support/thrown.js";
import { describeEveryFile, namedInWarning, type CorpusFacts } from "../taskmaster/suites/loader-suite.js";

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
    "legacy-subtask-without-title.json": { format: "legacy", tags: { "": 1 }, subtasks: 2 },
    "no-master-tag.json": { format: "tagged", tags: { firmware: 4 }, subtasks: 0 },
    "slug-ids.json": { format: "tagged", tags: { master: 5 }, subtasks: 6 },
    "subtask-cycles.json": { format: "tagged", tags: { master: 10, "test-tag": 1 }, subtasks: 15 },
    "tag-array.json": { format: "tag-array", tags: { master: 5 }, subtasks: 0 },
    "tagged-missing-status.json": { format: "tagged", tags: { master: 4 }, subtasks: 7 },
    "task-without-title.json": { format: "tagged", tags: { master: 2 }, subtasks: 0 },
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
    "empty-tag.json someday": [NothingToRunError, NothingToRunError],
  },
  warnings: {
    "legacy-completed.json ": ['tasks 1, 2 and subtasks 1.1, 1.2, 2.1, 2.2 have the non-standard status "completed": read as "done"'],
    "legacy-sibling-deps.json ": ['tasks 1, 2 have the non-standard status "completed": read as "done"'],
    "legacy-subtask-without-title.json ": ["subtask 1.2 has no title: titled by their id"],
    "slug-ids.json master": ["subtask nested-demo.outer-step has subtasks of their own, which Task Master does not support: ignored"],
    "tagged-missing-status.json master": ['task 3 has the non-standard status "completed": read as "done"'],
    "task-without-title.json master": ["task 2 has no title: titled by their id"],
    "three-tags.json master": ['metadata.taskCount of tag "master" says 7, but it has 6 tasks'],
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
    expect(source.warnings).toEqual(['the file has no "master" tag; reading its only tag, "firmware"']);
    expect(load("no-master-tag.json", "firmware").warnings).toEqual([]); // asked for by name: nothing to say
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
    // its two subtasks of its own are ignored, as Task Master ignores them, with one warning naming it
    expect(find(source, "nested-demo.outer-step")!.subtasks).toEqual([]);
    expect(source.warnings).toEqual([
      "subtask nested-demo.outer-step has subtasks of their own, which Task Master does not support: ignored",
    ]);
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

  it("an empty tag loads with no tasks; there is nothing to run (not a bad selection)", () => {
    const source = load("empty-tag.json", "someday");
    expect(source.tasks).toEqual([]);
    const e = thrown(() => buildPlan(source));
    expect(e).toBeInstanceOf(NothingToRunError);
    expect(e.message).toBe('the tag "someday" has no tasks: nothing to run');
  });

  it("a task without a title is read, titled by its id, with one warning; it runs and is waited for", () => {
    const source = load("task-without-title.json");
    expect(source.warnings).toEqual(["task 2 has no title: titled by their id"]);
    expect(source.tasks.map((t) => [t.id, t.title, t.status, t.dependencies])).toEqual([
      ["1", "Wash the van", "pending", []],
      ["2", "2", "pending", ["1"]],
    ]);
    expect(find(source, "2")!.description).toBe("A task someone added by hand, title forgotten");
    const plan = buildPlan(source, { selection: ["2"], withDependencies: true });
    expect(plan.units.map((u) => [u.id, u.title, u.deps])).toEqual([
      ["2", "2", [1]],
      ["1", "Wash the van", []],
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it("a subtask without a title is read, titled by its id, with one warning; expanded, it runs after its sibling", () => {
    const source = load("legacy-subtask-without-title.json");
    expect(source.warnings).toEqual(["subtask 1.2 has no title: titled by their id"]);
    expect(find(source, "1")!.subtasks.map((s) => [s.id, s.title, s.status, s.dependencies])).toEqual([
      ["1.1", "Sand it", "done", []],
      ["1.2", "1.2", "pending", ["1.1"]],
    ]);
    const plan = buildPlan(source, { expandSubtasks: true });
    expect(plan.units.map((u) => [u.id, u.title, u.kind, u.initial?.status ?? "runs"])).toEqual([
      ["1.1", "Sand it", "task", "skipped"],
      ["1.2", "1.2", "task", "runs"],
      ["1", "Paint the fence", "group", "runs"],
    ]);
    expect(plan.units[1]!.deps).toEqual([0]);
  });

  it("a subtask cycle among done subtasks only is no obstacle, even expanded: they start skipped", () => {
    const subtasks = [
      { id: 1, title: "a", status: "done", dependencies: [2] },
      { id: 2, title: "b", status: "done", dependencies: [1] },
      { id: 3, title: "c", status: "pending", dependencies: [2] },
    ];
    const source = parseTaskFile(JSON.stringify({ master: { tasks: [{ id: 1, title: "A", subtasks: subtasks }] } }));
    const plan = buildPlan(source, { expandSubtasks: true });
    expect(plan.units.map((u) => [u.id, u.initial?.status ?? "runs"])).toEqual([
      ["1.1", "skipped"],
      ["1.2", "skipped"],
      ["1.3", "runs"],
      ["1", "runs"],
    ]);
    // one of them still to run waits for the other, which is settled
    subtasks[0]!.status = "pending";
    const one = parseTaskFile(JSON.stringify({ master: { tasks: [{ id: 1, title: "A", subtasks }] } }));
    expect(buildPlan(one, { expandSubtasks: true }).units.map((u) => [u.id, u.initial?.status ?? "runs"])).toEqual([
      ["1.1", "runs"],
      ["1.2", "skipped"],
      ["1.3", "runs"],
      ["1", "runs"],
    ]);
    // both still to run: the cycle is refused
    subtasks[1]!.status = "pending";
    const pending = parseTaskFile(JSON.stringify({ master: { tasks: [{ id: 1, title: "A", subtasks }] } }));
    const e = thrown(() => buildPlan(pending, { expandSubtasks: true }));
    expect(e).toBeInstanceOf(DependencyCycleError);
    expect((e as DependencyCycleError).cycle.sort()).toEqual(["1.1", "1.2"]);
  });
});

describe("refused/: the files that cannot be read at all", () => {
  const REFUSED: [string, new (...args: never[]) => Error, string, string | undefined][] = [
    ["bad-json.json", TaskFileSyntaxError, "invalid JSON at line 5, column 5: unexpected ']', expected a value", undefined],
    ["no-task-list.json", InvalidTaskFileError, "master.tasks: must be an array", "master.tasks"],
    [
      "no-entry-is-a-task.json",
      InvalidTaskFileError,
      "master.tasks: none of its 3 entries is a task with an id: not Task Master tasks",
      "master.tasks",
    ],
  ];

  it("holds exactly these files (anything the loader reads, even with warnings, belongs beside it)", () => {
    expect(fixtureFiles(`${OWNED_FIXTURES}refused/`)).toEqual(REFUSED.map(([file]) => file).sort());
  });

  it.each(REFUSED)("%s is refused, saying where and why", (file, type, why, path) => {
    const e = thrown(() => parseTaskFile(readFixture(`refused/${file}`), { file }));
    expect(e).toBeInstanceOf(type);
    expect(e).toBeInstanceOf(InvalidTaskFileError);
    expect(e.message).toBe(`${file}: ${why}`);
    if (path !== undefined) expect((e as InvalidTaskFileError).path).toBe(path);
    else expect((e as TaskFileSyntaxError).line).toBe(5);
  });

  it("an unknown tag is refused whatever the file holds, listing the tags it has", () => {
    for (const file of ["cli-tagged.json", "empty-tag.json"]) {
      const e = thrown(() => load(file, "nope"));
      expect(e).toBeInstanceOf(UnknownTagError);
      expect((e as UnknownTagError).available).toEqual(file === "cli-tagged.json" ? ["master", "feature-ui"] : ["master", "someday"]);
    }
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
    ["[1 2]", 1, 4, "expected ',' or ']'"],
    ['{"a": "x\ny"}', 1, 7, "invalid string"],
    ["[tru]", 1, 2, "expected a value"],
  ])("syntax error in %j at %i:%i", (text, line, column, why) => {
    const e = thrown(() => parseTaskFile(text)) as TaskFileSyntaxError;
    expect(e).toBeInstanceOf(TaskFileSyntaxError);
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.message).toContain(why);
  });

  it.each([
    [JSON.stringify({ master: { tasks: 5 } }), "master.tasks", "must be an array"],
    [tagged([2, null]), "master.tasks", "none of its 2 entries is a task with an id: not Task Master tasks"],
    [tagged([{ id: true, title: "A" }]), "master.tasks", "none of its 1 entries is a task with an id: not Task Master tasks"],
  ])("schema error at %#: no task list, or no entry of it is a task", (text, path, why) => {
    const e = thrown(() => parseTaskFile(text, { file: "f.json" }));
    expect(e).toBeInstanceOf(InvalidTaskFileError);
    expect((e as InvalidTaskFileError).path).toBe(path);
    expect(e.message).toBe(`f.json: ${path}: ${why}`);
  });

  it("a top-level array none of whose entries is a task is refused without an empty location", () => {
    const e = thrown(() => parseTaskFile('[{"title":"A"},{"id":""}]', { file: "f.json" }));
    expect(e).toBeInstanceOf(InvalidTaskFileError);
    expect(e.message).toBe("f.json: none of its 2 entries is a task with an id: not Task Master tasks");
  });

  // What used to be refused is read as Task Master reads it: one warning per kind,
  // naming the tasks and subtasks in Task Master's id form; [id, title, status, dependencies, subtask ids].
  it.each([
    [
      "an entry that is not an object is left out",
      tagged([{ id: 1, title: "A" }, 2, "x"]),
      ["tasks master.tasks[1], master.tasks[2] are not objects: left out"],
      [["1", "A", "pending", [], []]],
    ],
    [
      "one entry that is not an object is named in the singular",
      tagged([{ id: 1, title: "A" }, 2]),
      ["task master.tasks[1] is not an object: left out"],
      [["1", "A", "pending", [], []]],
    ],
    [
      "entries without a usable id are left out, named by where they are (and their title)",
      tagged([{ id: 1, title: "A" }, {}, { id: true }, { title: "B" }]),
      [
        'tasks master.tasks[1], master.tasks[2], master.tasks[3] ("B") have no usable id: left out (nothing can select them or wait for them)',
      ],
      [["1", "A", "pending", [], []]],
    ],
    [
      "a subtask without an id is left out; its siblings stay",
      tagged([{ id: 1, title: "A", subtasks: [{ id: 1, title: "s" }, { title: "t" }] }]),
      ['subtask master.tasks[0].subtasks[1] ("t") has no usable id: left out (nothing can select them or wait for them)'],
      [["1", "A", "pending", [], ["1.1"]]],
    ],
    [
      "missing titles: titled by the id",
      tagged([{ id: 1 }, { id: 2, title: "B", subtasks: [{ id: 1 }, { id: 2, title: "s" }] }]),
      ["task 1 and subtask 2.1 have no title: titled by their id"],
      [
        ["1", "1", "pending", [], []],
        ["2", "B", "pending", [], ["2.1", "2.2"]],
      ],
    ],
    [
      "a missing title in a tag whose name needs quoting",
      tagged([{ id: 1 }], "x y"),
      ["task 1 has no title: titled by their id"],
      [["1", "1", "pending", [], []]],
    ],
    [
      "a missing title in the legacy layout",
      JSON.stringify({ tasks: [{ id: 1 }, { id: 2 }] }),
      ["tasks 1, 2 have no title: titled by their id"],
      [
        ["1", "1", "pending", [], []],
        ["2", "2", "pending", [], []],
      ],
    ],
    [
      "more than ten named: the first ten and how many more",
      tagged(Array.from({ length: 12 }, (_, i) => ({ id: i + 1, title: i < 2 ? "t" : undefined }))),
      ["tasks 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 have no title: titled by their id"],
      Array.from({ length: 12 }, (_, i) => [String(i + 1), i < 2 ? "t" : String(i + 1), "pending", [], []]),
    ],
    [
      "text fields that are not text are ignored",
      tagged([
        { id: 1, title: "A", details: 5, description: ["d"] },
        { id: 2, title: "B", priority: 1 },
      ]),
      ["tasks 1.description, 1.details, 2.priority have fields that should be text but are not: ignored"],
      [
        ["1", "A", "pending", [], []],
        ["2", "B", "pending", [], []],
      ],
    ],
    [
      "dependencies not written as a list: a list of that one value",
      tagged([
        { id: 1, title: "A", dependencies: "2" },
        { id: 2, title: "B", dependencies: 3 },
        { id: 3, title: "C" },
      ]),
      ['tasks 1 (string "2"), 2 (number 3) have dependencies not written as a list: read as a list of that one value'],
      [
        ["1", "A", "pending", ["2"], []],
        ["2", "B", "pending", ["3"], []],
        ["3", "C", "pending", [], []],
      ],
    ],
    [
      "a dependency that is no id names no task, as String(dependency) does in Task Master (refused only when it runs)",
      tagged([
        { id: 1, title: "A", dependencies: [2, null] },
        { id: 2, title: "B" },
      ]),
      [],
      [
        ["1", "A", "pending", ["2", "null"], []],
        ["2", "B", "pending", [], []],
      ],
    ],
    [
      "subtasks not written as a list are ignored",
      tagged([{ id: 1, title: "A", subtasks: { 1: { title: "s" } } }]),
      ["task 1 has subtasks not written as a list: ignored"],
      [["1", "A", "pending", [], []]],
    ],
    [
      "a subtask id naming another parent is read by its last part",
      tagged([{ id: 2, title: "A", subtasks: [{ id: "3.1", title: "s" }] }]),
      ['subtask 2.1 (written "3.1") has an id naming another parent: read by its last part, as Task Master does'],
      [["2", "A", "pending", [], ["2.1"]]],
    ],
    [
      "statuses Task Master does not know are kept (never ready); one that is no text reads as pending",
      tagged([
        { id: 1, title: "A", status: "wip" },
        { id: 2, title: "B", status: 3 },
      ]),
      [
        `tasks 1 ("wip"), 2 (number 3) have a status that is not one of Task Master's (pending, in-progress, done, deferred, cancelled, blocked, review): never ready, run by --select all`,
      ],
      [
        ["1", "A", "wip", [], []],
        ["2", "B", "pending", [], []],
      ],
    ],
    [
      "completed on a subtask, any case",
      tagged([{ id: 1, title: "A", subtasks: [{ id: 1, title: "s", status: "Completed" }] }]),
      ['subtask 1.1 has the non-standard status "completed": read as "done"'],
      [["1", "A", "pending", [], ["1.1"]]],
    ],
    [
      "one warning per kind, in the order the kinds were first seen",
      tagged([{ id: 1, status: "completed" }, { id: 2 }, { id: 3, title: "C", status: "completed", details: 1 }]),
      [
        "tasks 1, 2 have no title: titled by their id",
        'tasks 1, 3 have the non-standard status "completed": read as "done"',
        "task 3.details has fields that should be text but are not: ignored",
      ],
      [
        ["1", "1", "done", [], []],
        ["2", "2", "pending", [], []],
        ["3", "C", "done", [], []],
      ],
    ],
  ])("read with a warning: %s", (_what, text, warnings, tasks) => {
    const source = parseTaskFile(text, { file: "f.json", ...(text.includes('"x y"') ? { tag: "x y" } : {}) });
    expect(source.warnings).toEqual(warnings);
    expect(source.tasks.map((t) => [t.id, t.title, t.status, t.dependencies, t.subtasks.map((s) => s.id)])).toEqual(tasks);
    for (const t of source.tasks) expect(Object.keys(t).filter((k) => ["details", "description", "priority"].includes(k))).toEqual([]);
  });

  it("the warnings' own grammar: counted by the suites' reader", () => {
    const says = 'the non-standard status "completed": read as "done"';
    expect(namedInWarning(`tasks 1, 2 and subtasks 1.1, 1.2 have ${says}`, says)).toBe(4);
    expect(namedInWarning(`task 7 has ${says}`, says)).toBe(1);
    expect(namedInWarning(`subtasks 1.1, 2.3 and 5 more have ${says}`, says)).toBe(7);
    expect(namedInWarning(`tasks 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more and subtask 3.1 have ${says}`, says)).toBe(13);
    expect(namedInWarning(`task 1, 2 have ${says}`, says)).toBeUndefined();
    expect(namedInWarning(`tasks 1 has ${says}`, says)).toBeUndefined();
    expect(namedInWarning(`2 tasks have ${says}`, says)).toBeUndefined();
  });

  it("not Task Master's schema at all", () => {
    expect(thrown(() => parseTaskFile('"tasks"'))).toBeInstanceOf(InvalidTaskFileError);
    expect(thrown(() => parseTaskFile('{"todo": [1], "x": 2}'))).toBeInstanceOf(InvalidTaskFileError);
  });

  it("duplicate ids are kept, both copies, with no warning: no run has touched them yet", () => {
    const source = parseTaskFile(
      tagged([
        { id: 1, title: "A" },
        { id: "1", title: "B" },
        { id: 2, title: "C" },
        { id: 3, title: "D", dependencies: [1] },
      ]),
    );
    expect(source.tasks.map((t) => [t.id, t.title])).toEqual([
      ["1", "A"],
      ["1", "B"],
      ["2", "C"],
      ["3", "D"],
    ]);
    expect(source.warnings).toEqual([]);
    // a run that neither runs nor waits for 1 is fine
    expect(buildPlan(source, { selection: ["2"] }).units.map((u) => u.id)).toEqual(["2"]);
    // running it, or waiting for it, needs to know which one is meant
    for (const selection of [["1"], ["3"], undefined]) {
      const e = thrown(() => buildPlan(source, { ...(selection && { selection }), withDependencies: true }));
      expect(e).toBeInstanceOf(DuplicateTaskIdError);
      expect((e as DuplicateTaskIdError).ids).toEqual(["1"]);
      expect(e.message).toBe("duplicate task ids: 1 (each id must name one task to be run or waited for)");
    }
  });

  it("duplicates that are all done or cancelled are one settled task; one still to do is not", () => {
    const done = parseTaskFile(
      tagged([
        { id: 1, title: "A", status: "done" },
        { id: "1", title: "B", status: "cancelled" },
        { id: 3, title: "D", dependencies: [1] },
      ]),
    );
    expect(buildPlan(done, { selection: ["3"] }).satisfiedExternal).toEqual([{ id: "1", reason: "done" }]);
    expect(buildPlan(done).units.map((u) => [u.id, u.title, u.initial?.status ?? "runs"])).toEqual([
      ["1", "A", "skipped"],
      ["3", "D", "runs"],
    ]);
    const half = parseTaskFile(
      tagged([
        { id: 1, title: "A", status: "done" },
        { id: "1", title: "B" },
        { id: 3, title: "D", dependencies: [1] },
      ]),
    );
    expect((thrown(() => buildPlan(half, { selection: ["3"] })) as DuplicateTaskIdError).ids).toEqual(["1"]);
  });

  it("a subtask written two ways is kept twice; refused only when subtasks run on their own", () => {
    const twice = [
      {
        id: 3,
        title: "A",
        subtasks: [
          { id: 1, title: "s" },
          { id: "3.1", title: "t" },
        ],
      },
    ];
    const source = parseTaskFile(tagged(twice));
    expect(source.tasks[0]!.subtasks.map((s) => [s.id, s.title])).toEqual([
      ["3.1", "s"],
      ["3.1", "t"],
    ]);
    expect(source.warnings).toEqual([]);
    expect(buildPlan(source).units.map((u) => u.id)).toEqual(["3"]);
    const e = thrown(() => buildPlan(source, { expandSubtasks: true }));
    expect(e).toBeInstanceOf(DuplicateTaskIdError);
    expect((e as DuplicateTaskIdError).ids).toEqual(["3.1"]);
  });

  it("statuses lower-cased, missing ones pending, missing dependencies empty", () => {
    const source = parseTaskFile(
      tagged([
        { id: 1, title: "A", status: "In-Progress" },
        { id: 2, title: "B", status: null },
      ]),
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
    expect(source.warnings).toEqual(['task 2 has the non-standard status "completed": read as "done"']);
  });

  it("rejects what is neither an object nor an id", () => {
    const e = thrown(() => inlineSource([1, null]));
    expect(e).toBeInstanceOf(InvalidTaskFileError);
    expect((e as InvalidTaskFileError).path).toBe("tasks[1]");
    expect(thrown(() => inlineSource([{ title: "x" }]))).toBeInstanceOf(InvalidTaskFileError);
    expect(thrown(() => inlineSource([1, "01"]))).toBeInstanceOf(DuplicateTaskIdError);
  });
});
