// What must hold for every file of a Task Master corpus: each tag loads with
// its documented format and counts, and plans with expandSubtasks off and on,
// or fails the way its brokenness says. Run over the owned fixtures (default
// suite) and over the real files (test-corpus/).
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../../src/core/plan.js";
import { parseTaskFile } from "../../../src/core/taskmaster/index.js";
import { fixtureFiles, readFixture } from "../../support/taskmaster-fixtures.js";
import { thrown } from "../../support/thrown.js";

export interface CorpusFacts {
  /** Per file: its format, top-level tasks per tag ("" when untagged), subtasks summed over tags. */
  files: Record<string, { format: string; tags: Record<string, number>; subtasks: number }>;
  /** Files whose statuses include the non-standard "completed" (tasks and subtasks). */
  completed: Record<string, number>;
  /** How planning a tag ("<file> <tag>") fails, when it does: [without, with] expandSubtasks. */
  broken: Record<string, [Function | undefined, Function | undefined]>;
}

export function describeEveryFile(dir: string, facts: CorpusFacts): void {
  const files = fixtureFiles(dir);
  const load = (file: string, tag?: string) => parseTaskFile(readFixture(file, dir), { file, tag });

  it("the facts cover exactly the files", () => {
    expect(files.length).toBeGreaterThan(0);
    expect(Object.keys(facts.files).sort()).toEqual(files);
  });

  describe.each(files)("%s", (file) => {
    const fileFacts = facts.files[file]!;

    it("loads every tag with the documented format and counts", () => {
      let subtasks = 0;
      for (const [tag, count] of Object.entries(fileFacts.tags)) {
        const source = load(file, tag || undefined);
        expect(source.format).toBe(fileFacts.format);
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
        const expected = facts.completed[file];
        expect(completed).toHaveLength(expected ? 1 : 0);
        if (expected) expect(completed[0]).toMatch(new RegExp(`^${expected} tasks? ha`));
      }
      expect(subtasks).toBe(fileFacts.subtasks);
    });

    const planTitle = "plans tag %j with expandSubtasks off and on, or fails as its brokenness says";
    it.each(Object.keys(fileFacts.tags))(planTitle, (tag) => {
      const source = load(file, tag || undefined);
      const expected = facts.broken[`${file} ${tag}`] ?? [undefined, undefined];
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
        for (const w of source.warnings) expect(warnings).toContain(w);
      });
    });
  });
}
