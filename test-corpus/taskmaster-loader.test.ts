// The real Task Master files (SOURCES.md beside them): every tag of every file
// loads and plans as its facts say, and the oddities each one taught.
import { describe, expect, it } from "vitest";
import { DependencyCycleError, MissingDependencyError, UnknownTagError, UnsatisfiedDependencyError } from "../src/core/errors.js";
import { buildPlan } from "../src/core/plan.js";
import type { SourceTask, TaskSource } from "../src/core/task.js";
import { parseTaskFile } from "../src/core/taskmaster/index.js";
import { readFixture } from "../test/support/taskmaster-fixtures.js";
import { thrown } from "../test/support/thrown.js";
import { describeEveryFile, type CorpusFacts } from "../test/taskmaster/suites/loader-suite.js";
import { describeCorpus, TASKMASTER_CORPUS, taskmasterCorpusFound } from "./shared.js";

const load = (file: string, tag?: string) => parseTaskFile(readFixture(file, TASKMASTER_CORPUS), { file, tag });
const find = (source: TaskSource, id: string): SourceTask | undefined =>
  source.tasks.flatMap((t) => [t, ...t.subtasks]).find((t) => t.id === id);

// From SOURCES.md: format, top-level tasks per tag, subtasks summed over tags.
// (task-master-cli-0.43.1: described in its own section.)
const FILES: CorpusFacts["files"] = {
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

/** Files whose statuses include the non-standard "completed": how many tasks and subtasks have it. */
const COMPLETED: CorpusFacts["completed"] = {
  "1rokoko__hotel-boost.json": 1,
  "CitizenAlert__CitizenAlert.json": 28,
  "CodySwannGT__ai-coding-assistants-setup.json": 15,
};

/** How planning each tag fails, when it does: [without, with] expandSubtasks. */
const BROKEN: CorpusFacts["broken"] = {
  "AlexCodeForge__cproject.json master": [DependencyCycleError, DependencyCycleError],
  // its subtask cycles are all among done subtasks, which start skipped and wait for nothing
  "eyaltoledano__claude-task-master.json master": [undefined, undefined],
  "eyaltoledano__claude-task-master.json test-tag": [MissingDependencyError, MissingDependencyError],
};

/** Every warning of every tag, as the loader says it (each tag loaded by name). */
const WARNINGS: CorpusFacts["warnings"] = {
  "1rokoko__hotel-boost.json master": ['task 16 has the non-standard status "completed": read as "done"'],
  "5dlabs__taskmaster-sync.json master": [
    "subtask enhanced-subtask-demo.architecture-with-nested has subtasks of their own, which Task Master does not support: ignored",
  ],
  "AcidicSoil__oraclepack.json master": ['metadata.taskCount of tag "master" says 19, but it has 18 tasks'],
  "AloofBuddha__CollabCanvas.json master": ['metadata.taskCount of tag "master" says 15, but it has 16 tasks'],
  "CitizenAlert__CitizenAlert.json ": [
    "tasks 1, 2, 3, 4, 5 and subtasks 1.1, 1.2, 1.3, 1.4, 2.1, 2.2, 2.3, 2.4, 2.5, 3.1 and 13 more " +
      'have the non-standard status "completed": read as "done"',
  ],
  "CodySwannGT__ai-coding-assistants-setup.json ": [
    'tasks 1, 2, 3, 4, 5, 9, 10, 11, 12, 13 and 5 more have the non-standard status "completed": read as "done"',
  ],
};

describeCorpus(taskmasterCorpusFound, "the real Task Master files", () => {
  describe("every file", () => {
    describeEveryFile(TASKMASTER_CORPUS, { files: FILES, completed: COMPLETED, broken: BROKEN, warnings: WARNINGS });
  });

  describe("fixture specifics", () => {
    it("cproject: 5 and 16 depend on each other", () => {
      const source = load("AlexCodeForge__cproject.json");
      expect((thrown(() => buildPlan(source, { selection: ["5", "16"] })) as DependencyCycleError).cycle).toEqual(["5", "16"]);
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
      // as the file says, those subtasks are done: they start skipped and the cycle holds nothing up
      const plan = buildPlan(source, { selection: ["7"], expandSubtasks: true });
      expect(plan.units.filter((u) => u.id.startsWith("7.")).every((u) => u.initial?.status === "skipped")).toBe(true);
      expect(plan.units.at(-1)).toMatchObject({ id: "7", kind: "group" });
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
      expect(source.warnings).toEqual(['the file has no "master" tag; reading its only tag, "quantower"']);
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
      expect(load("AcidicSoil__oraclepack.json").warnings).toContain('metadata.taskCount of tag "master" says 19, but it has 18 tasks');
    });

    it("slug ids and slug dependencies resolve, sibling first (taskmaster-sync)", () => {
      const source = load("5dlabs__taskmaster-sync.json");
      expect(find(source, "rust-data-models")!.dependencies).toEqual(["rust-conversion-core"]);
      expect(find(source, "rust-real-issues.enhanced-subtasks")!.dependencies).toEqual(["rust-real-issues.repo-issue-creation"]);
      expect(find(source, "enhanced-subtask-demo.architecture-with-nested")!.subtasks).toEqual([]);
      expect(source.warnings).toEqual([
        "subtask enhanced-subtask-demo.architecture-with-nested has subtasks of their own, which Task Master does not support: ignored",
      ]);
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
});
