// `task-master validate-dependencies` and Conveyor's cycle and missing-dependency
// errors on the broken real files (SOURCES.md), each in a scratch project holding
// a copy of the file. The validator exits 0 either way; its findings are read
// from its output. Where the two differ, the test says why. (A clean file
// passing both is checked after write-back, in write-back.test.ts.)
import { beforeAll, describe, expect, it } from "vitest";
import { DependencyCycleError, MissingDependencyError } from "../src/core/errors.js";
import { buildPlan } from "../src/core/plan.js";
import { parseTaskFile } from "../src/core/taskmaster/index.js";
import { readFixture } from "../test/support/taskmaster-fixtures.js";
import { thrown } from "../test/support/thrown.js";
import { scratchProject, taskMaster, validationIssues } from "../test/taskmaster/task-master-cli.js";
import { describeCorpus, TASKMASTER_CORPUS, taskmasterCorpusFound } from "./shared.js";

const read = (file: string) => readFixture(file, TASKMASTER_CORPUS);
const load = (file: string, tag?: string) => parseTaskFile(read(file), { file, ...(tag ? { tag } : {}) });

describeCorpus(taskmasterCorpusFound, "the real Task Master files", () => {
  const JUDGED = {
    cproject: ["AlexCodeForge__cproject.json"],
    claude: ["eyaltoledano__claude-task-master.json"],
    claudeTestTag: ["eyaltoledano__claude-task-master.json", "test-tag"],
    slugs: ["5dlabs__taskmaster-sync.json"],
    sibling: ["CodySwannGT__ai-coding-assistants-setup.json"],
  } as const;
  type Issues = { kind: string; id: string }[];
  const found: Partial<Record<keyof typeof JUDGED, Issues>> = {};

  beforeAll(async () => {
    await Promise.all(
      Object.entries(JUDGED).map(async ([name, [file, tag]]) => {
        const r = await taskMaster(scratchProject(read(file)), ["validate-dependencies", ...(tag ? ["--tag", tag] : [])]);
        expect(r.code).toBe(0);
        found[name as keyof typeof JUDGED] = validationIssues(r);
      }),
    );
  }, 240_000);

  describe("dependency errors: Conveyor and `task-master validate-dependencies`", () => {
    it("cproject: both refuse the cycle 5 <-> 16; Task Master also flags every task downstream of it", () => {
      const err = thrown(() => buildPlan(load(JUDGED.cproject[0])));
      expect(err).toBeInstanceOf(DependencyCycleError);
      expect(new Set((err as DependencyCycleError).cycle)).toEqual(new Set(["5", "16"]));
      const flagged = found.cproject!.map((i) => i.id);
      expect(found.cproject!.every((i) => i.kind === "CIRCULAR")).toBe(true);
      // Conveyor names the tasks on the cycle; tasks that merely wait for it are refused with the run
      expect(flagged).toEqual(expect.arrayContaining(["5", "16"]));
      expect(flagged).toEqual(Array.from({ length: 14 }, (_, i) => String(i + 5)));
    });

    it("claude-task-master: the same five subtask cycles; Conveyor refuses them only when subtasks run on their own", () => {
      const source = load(JUDGED.claude[0]);
      const flagged = found.claude!.map((i) => i.id);
      expect(found.claude!.every((i) => i.kind === "CIRCULAR")).toBe(true);
      expect(new Set(flagged.map((id) => id.split(".")[0]))).toEqual(new Set(["7", "12", "14", "20"]));
      // without expandSubtasks a task and its subtasks are one unit: a cycle among them is its own business
      expect(() => buildPlan(source)).not.toThrow();
      for (const parent of ["7", "12", "14", "20"]) {
        const err = thrown(() => buildPlan(source, { selection: [parent], expandSubtasks: true, includeDone: true }));
        expect(err).toBeInstanceOf(DependencyCycleError);
        for (const id of (err as DependencyCycleError).cycle) expect(flagged).toContain(id);
      }
    });

    it("claude-task-master test-tag: both report task 1's dependency on the missing 16", () => {
      expect(found.claudeTestTag).toEqual([{ kind: "MISSING", id: "1" }]);
      const err = thrown(() => buildPlan(load(...JUDGED.claudeTestTag)));
      expect(err).toBeInstanceOf(MissingDependencyError);
      expect((err as MissingDependencyError).missing).toEqual([{ task: "1", dependency: "16" }]);
    });

    it("taskmaster-sync: Task Master's validator cannot resolve slug ids (its own `list --ready` can); Conveyor resolves them", () => {
      expect(found.slugs).toHaveLength(24);
      expect(found.slugs!.every((i) => i.kind === "MISSING")).toBe(true);
      expect(() => buildPlan(load(JUDGED.slugs[0]), { expandSubtasks: true })).not.toThrow();
    });

    it("CodySwannGT: the validator looks for subtask 17.7's dependency 6 among top-level tasks; Task Master's rules and Conveyor mean sibling 17.6", () => {
      expect(found.sibling).toEqual([{ kind: "MISSING", id: "17.7" }]);
      const sub = load(JUDGED.sibling[0])
        .tasks.find((t) => t.id === "17")!
        .subtasks.find((s) => s.id === "17.7")!;
      expect(sub.dependencies).toEqual(["17.6"]);
    });
  });
});
