import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DependencyCycleError,
  DuplicateTaskIdError,
  InvalidTaskFileError,
  MissingDependencyError,
  TaskFileSyntaxError,
  UnknownTagError,
  UnsatisfiedDependencyError,
} from "../../src/core/errors.js";
import { buildPlan } from "../../src/core/plan.js";
import type { SourceTask, TaskSource } from "../../src/core/task.js";
import { inlineSource, parseTaskFile } from "../../src/core/taskmaster/index.js";
import { thrown } from "../support/thrown.js";

const FIXTURES = resolve(process.cwd(), process.env.CONVEYOR_FIXTURES ?? "../shared/fixtures/taskmaster");
const fixtureFiles = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .sort();
const readFixture = (file: string) => readFileSync(join(FIXTURES, file), "utf8");
const load = (file: string, tag?: string) => parseTaskFile(readFixture(file), { file, tag });


const find = (source: TaskSource, id: string): SourceTask | undefined =>
  source.tasks.flatMap((t) => [t, ...t.subtasks]).find((t) => t.id === id);

// From SOURCES.md: format, top-level tasks per tag, subtasks summed over tags.
// (task-master-cli-0.43.1: described in its own section.)
const FACTS: Record<string, { format: string; tags: Record<string, number>; subtasks: number }> = {
  "5dlabs__platform.json": { format: "tagged", tags: { master: 3 }, subtasks: 0 },
  "5dlabs__cto.json": { format: "tagged", tags: { master: 1 }, subtasks: 0 },
  "5dlabs__toolman.json": { format: "tagged", tags: { master: 21, verification: 21 }, subtasks: 190 },
  "5dlabs__taskmaster-sync.json": { format: "tagged", tags: { master: 15 }, subtasks: 33 },
  "5dlabs__agent-docs.json": { format: "tagged", tags: { master: 21 }, subtasks: 3 },
  "eyaltoledano__claude-task-master.json": { format: "tagged", tags: { master: 93, "test-tag": 1 }, subtasks: 538 },
  "CanAISolutions__canai-platform.json": { format: "tagged", tags: { master: 130 }, subtasks: 406 },
  "AlexCodeForge__cproject.json": { format: "tagged", tags: { master: 18 }, subtasks: 147 },
  "AcidicSoil__oraclepack.json": {
    format: "tagged",
    tags: { master: 18, "bugfix-tui": 12, "feat-mcp": 10 },
    subtasks: 155,
  },
  "Acurioustractor__act-placemat.json": {
    format: "tagged",
    tags: { master: 6, "architectural-cleanup": 3 },
    subtasks: 20,
  },
  "Galaxybigbird__QT-MT5-2.5.json": { format: "tagged", tags: { quantower: 5 }, subtasks: 0 },
  "2040147482__Video2Doc.json": { format: "tag-array", tags: { master: 10 }, subtasks: 0 },
  "Gamepig__NexusGaming.json": { format: "bare-list", tags: { "": 3 }, subtasks: 8 },
  "309dot__309agnet.json": { format: "legacy", tags: { "": 3 }, subtasks: 0 },
  "BretMeraki__forest-front-end-forge.json": { format: "legacy", tags: { "": 25 }, subtasks: 0 },
  "CitizenAlert__CitizenAlert.json": { format: "legacy", tags: { "": 9 }, subtasks: 39 },
  "CodySwannGT__ai-coding-assistants-setup.json": { format: "legacy", tags: { "": 20 }, subtasks: 26 },
  "1rokoko__hotel-boost.json": { format: "tagged", tags: { master: 25 }, subtasks: 100 },
  "Coreteam2503__examapp.json": { format: "legacy", tags: { "": 74 }, subtasks: 0 },
  "AdrienCornille__NutriSensia.json": { format: "tagged", tags: { master: 25 }, subtasks: 150 },
  "Cardow-Co__conciergus.ai.json": { format: "legacy", tags: { "": 18 }, subtasks: 94 },
  "GARFEX33__db-graphql-service.json": { format: "legacy", tags: { "": 1 }, subtasks: 0 },
  "BongsooJeong__brick-chain-blaster.json": { format: "legacy", tags: { "": 20 }, subtasks: 36 },
  "AloofBuddha__CollabCanvas.json": { format: "tagged", tags: { master: 16 }, subtasks: 8 },
  "Dat3K__discord-bot-v2.json": { format: "legacy", tags: { "": 15 }, subtasks: 35 },
  "task-master-cli-0.43.1.json": { format: "tagged", tags: { master: 8, "feature-ui": 2 }, subtasks: 3 },
};

/** Files whose statuses include the non-standard "completed" (tasks and subtasks). */
const COMPLETED: Record<string, number> = {
  "1rokoko__hotel-boost.json": 1,
  "CitizenAlert__CitizenAlert.json": 28,
  "CodySwannGT__ai-coding-assistants-setup.json": 15,
};

/** How planning each tag fails, when it does: [without, with] expandSubtasks. */
const BROKEN: Record<string, [Function | undefined, Function | undefined]> = {
  "AlexCodeForge__cproject.json master": [DependencyCycleError, DependencyCycleError],
  // its subtask cycles are all among done subtasks, which start skipped and wait for nothing
  "eyaltoledano__claude-task-master.json master": [undefined, undefined],
  "eyaltoledano__claude-task-master.json test-tag": [MissingDependencyError, MissingDependencyError],
};

describe("every fixture", () => {
  it("SOURCES.md facts cover exactly the fixture files", () => {
    expect(fixtureFiles.length).toBeGreaterThan(0);
    expect(Object.keys(FACTS).sort()).toEqual(fixtureFiles);
  });

  describe.each(fixtureFiles)("%s", (file) => {
    const facts = FACTS[file]!;

    it("loads every tag with the documented format and counts", () => {
      let subtasks = 0;
      for (const [tag, count] of Object.entries(facts.tags)) {
        const source = load(file, tag || undefined);
        expect(source.format).toBe(facts.format);
        expect(source.origin).toBe(file);
        expect(source.tag).toBe(tag || undefined);
        expect(source.tasks).toHaveLength(count);
        subtasks += source.tasks.reduce((n, t) => n + t.subtasks.length, 0);
        for (const t of source.tasks.flatMap((t) => [t, ...t.subtasks])) {
          expect(t.status).toMatch(/^[a-z-]+$/);
          expect(t.status).not.toBe("completed");
          expect(Array.isArray(t.dependencies)).toBe(true);
        }
        const completed = source.warnings.filter((w) => w.includes('"completed"'));
        expect(completed).toHaveLength(COMPLETED[file] ? 1 : 0);
        if (COMPLETED[file]) expect(completed[0]).toMatch(/^(tasks? |subtasks? )[^]*: read as "done"$/);
      }
      expect(subtasks).toBe(facts.subtasks);
    });

    const planTitle = "plans tag %j with expandSubtasks off and on, or fails as its brokenness says";
    it.each(Object.keys(facts.tags))(planTitle, (tag) => {
      const source = load(file, tag || undefined);
      const expected = BROKEN[`${file} ${tag}`] ?? [undefined, undefined];
      [false, true].forEach((expandSubtasks, i) => {
        const plan = () => buildPlan(source, { expandSubtasks });
        if (expected[i]) {
          expect(thrown(plan)).toBeInstanceOf(expected[i]);
          return;
        }
        const { units, warnings } = plan();
        const subtasks = source.tasks.reduce((n, t) => n + t.subtasks.length, 0);
        const parents = source.tasks.filter((t) => t.subtasks.length > 0).length;
        expect(units).toHaveLength(expandSubtasks ? source.tasks.length + subtasks : source.tasks.length);
        expect(units.filter((u) => u.kind === "group")).toHaveLength(expandSubtasks ? parents : 0);
        units.forEach((u, index) => {
          expect(u.index).toBe(index);
          expect(u.memoKey).toMatch(/^[0-9a-f]{64}$/);
          expect(JSON.parse(JSON.stringify(u.definition))).toEqual(u.definition);
        });
        for (const w of source.warnings) expect(warnings).not.toContain(w); // said once, with the source
      });
    });
  });
});

describe("fixture specifics", () => {
  it("cproject: 5 and 16 depend on each other", () => {
    const source = load("AlexCodeForge__cproject.json");
    expect((thrown(() => buildPlan(source, { selection: ["5", "16"] })) as DependencyCycleError).cycle).toEqual([
      "5",
      "16",
    ]);
    const pulled = thrown(() => buildPlan(source, { selection: ["5"], withDependencies: true }));
    expect(pulled).toBeInstanceOf(DependencyCycleError);
    expect(pulled.message).toBe("dependency cycle: 5 -> 16 -> 5");
    const alone = thrown(() => buildPlan(source, { selection: ["5"] }));
    expect(alone).toBeInstanceOf(UnsatisfiedDependencyError);
    expect((alone as UnsatisfiedDependencyError).missing).toContainEqual({ task: "5", dependency: "16" });
  });

  it("claude-task-master: subtask cycles only matter with expandSubtasks", () => {
    const source = load("eyaltoledano__claude-task-master.json");
    expect(buildPlan(source, { selection: ["7"] }).units.map((u) => u.id)).toEqual(["7"]);
    const e = thrown(() => buildPlan(source, { selection: ["7"], expandSubtasks: true, includeDone: true }));
    expect(e).toBeInstanceOf(DependencyCycleError);
    expect((e as DependencyCycleError).cycle.sort()).toEqual(["7.2", "7.5"]);
    // task 42's subtasks are "42-1"... : canonical ids keep them after the parent
    expect(find(source, "42")!.subtasks.map((s) => s.id)).toContain("42.42-1");
    expect(source.tasks.flatMap((t) => t.subtasks).filter((s) => s.status === "cancelled")).toHaveLength(2);
  });

  it("claude-task-master test-tag: task 1 depends on missing 16", () => {
    const source = load("eyaltoledano__claude-task-master.json", "test-tag");
    const e = thrown(() => buildPlan(source));
    expect(e).toBeInstanceOf(MissingDependencyError);
    expect((e as MissingDependencyError).missing).toEqual([{ task: "1", dependency: "16" }]);
  });

  it("a file without master reads its only tag, with a warning; asking for master lists the tags", () => {
    const source = load("Galaxybigbird__QT-MT5-2.5.json");
    expect(source.tag).toBe("quantower");
    expect(source.warnings[0]).toContain('no "master" tag');
    const e = thrown(() => load("Galaxybigbird__QT-MT5-2.5.json", "master"));
    expect(e).toBeInstanceOf(UnknownTagError);
    expect((e as UnknownTagError).available).toEqual(["quantower"]);
  });

  it("several tags and an unknown one: UnknownTagError lists them", () => {
    const e = thrown(() => load("AcidicSoil__oraclepack.json", "nope"));
    expect(e).toBeInstanceOf(UnknownTagError);
    expect(e.message).toContain("master, bugfix-tui, feat-mcp");
  });

  it("stale metadata.taskCount is a warning", () => {
    expect(load("AcidicSoil__oraclepack.json").warnings).toContain(
      'metadata.taskCount of tag "master" says 19, but it has 18 tasks',
    );
  });

  it("slug ids and slug dependencies resolve, sibling first (taskmaster-sync)", () => {
    const source = load("5dlabs__taskmaster-sync.json");
    expect(find(source, "rust-data-models")!.dependencies).toEqual(["rust-conversion-core"]);
    expect(find(source, "rust-real-issues.enhanced-subtasks")!.dependencies).toEqual([
      "rust-real-issues.repo-issue-creation",
    ]);
    expect(source.warnings.find((w) => w.includes("subtasks of their own"))).toMatch(/^subtasks? \S+/);
  });

  it("full dotted subtask ids and dotted dependencies (NexusGaming, bare list)", () => {
    const source = load("Gamepig__NexusGaming.json");
    expect(find(source, "2")!.subtasks.map((s) => s.id)).toEqual(["2.1", "2.2", "2.3", "2.4"]);
    expect(find(source, "2.4")!.dependencies).toEqual(["2.1", "2.2", "2.3"]);
    expect(find(source, "2.4")!.parentId).toBe("2");
  });

  it("non-integer JSON number subtask ids (brick-chain-blaster)", () => {
    const source = load("BongsooJeong__brick-chain-blaster.json");
    const eight = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `3.${n}`);
    expect(find(source, "3")!.subtasks.map((s) => s.id)).toEqual(eight);
    expect(find(source, "1")!.subtasks.map((s) => s.id)).toEqual(["1.1", "1.2", "1.3", "1.4", "1.5"]);
    expect(find(source, "4")!.subtasks[0]!.id).toBe("4.1");
    expect(find(source, "1.1")!.dependencies).toEqual([]); // no "dependencies" field
  });

  it("numeric subtask dependencies mean siblings (toolman)", () => {
    const source = load("5dlabs__toolman.json");
    expect(find(source, "2.3")!.dependencies).toEqual(["2.2"]);
  });

  it("missing subtask statuses read as pending (1rokoko)", () => {
    const source = load("1rokoko__hotel-boost.json");
    const subs = source.tasks.flatMap((t) => t.subtasks);
    expect(subs.filter((s) => s.status === "pending")).toHaveLength(61);
    expect(source.tasks.filter((t) => t.status === "done")).toHaveLength(25);
  });

  it("ids written by the current CLI: strings in master, numbers in feature-ui", () => {
    const master = load("task-master-cli-0.43.1.json");
    expect(find(master, "2")!.dependencies).toEqual(["1"]);
    expect(find(master, "5.3")!.dependencies).toEqual(["5.1", "5.2"]);
    const ui = load("task-master-cli-0.43.1.json", "feature-ui");
    expect(ui.format).toBe("tagged");
    expect(find(ui, "2")!.dependencies).toEqual(["1"]);
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
    [JSON.stringify({ master: { tasks: 5 } }), "master.tasks", "must be an array"],
    [tagged([2, null]), "master.tasks", "none of its 2 entries"],
  ])("schema error at %#", (text, path, why) => {
    const e = thrown(() => parseTaskFile(text, { file: "f.json" }));
    expect(e).toBeInstanceOf(InvalidTaskFileError);
    expect((e as InvalidTaskFileError).path).toBe(path);
    expect(e.message).toContain(`f.json: ${path}: `);
    expect(e.message).toContain(why);
  });

  it("not Task Master's schema at all", () => {
    expect(thrown(() => parseTaskFile('"tasks"'))).toBeInstanceOf(InvalidTaskFileError);
    expect(thrown(() => parseTaskFile('{"todo": [1], "x": 2}'))).toBeInstanceOf(InvalidTaskFileError);
  });

  it("duplicate ids are kept for the plan to judge (test/taskmaster/lenient.test.ts)", () => {
    const source = parseTaskFile(tagged([{ id: 1, title: "A" }, { id: "1", title: "B" }]));
    expect(source.tasks.map((t) => t.id)).toEqual(["1", "1"]);
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
