// What must hold for every file of a Task Master corpus: each tag loads with
// its documented format and counts, and plans with expandSubtasks off and on,
// or fails the way its brokenness says. Run over the owned fixtures (default
// suite) and over the real files (test-corpus/). What is read leniently is said
// once, in the source's warnings (src/core/taskmaster/notes.ts), never again in
// the plan's.
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../../src/core/plan.js";
import { parseTaskFile } from "../../../src/core/taskmaster/index.js";
import { fixtureFiles, readFixture } from "../../support/taskmaster-fixtures.js";
import { thrown } from "../../support/thrown.js";

/** An error class, as toBeInstanceOf takes it. */
type ErrorClass = new (...args: never[]) => Error;

export interface CorpusFacts {
  /** Per file: its format, top-level tasks per tag ("" when untagged), subtasks summed over tags. */
  files: Record<string, { format: string; tags: Record<string, number>; subtasks: number }>;
  /** Files whose statuses include the non-standard "completed": how many tasks and subtasks have it. */
  completed: Record<string, number>;
  /** How planning a tag ("<file> <tag>") fails, when it does: [without, with] expandSubtasks. */
  broken: Record<string, [ErrorClass | undefined, ErrorClass | undefined]>;
  /** When given: every warning of every tag ("<file> <tag>"), exactly; a tag not listed has none. */
  warnings?: Record<string, string[]>;
}

const COMPLETED_SAYS = 'the non-standard status "completed": read as "done"';

/**
 * How many tasks and subtasks a warning in notes.ts's form names ("tasks 1, 2
 * and subtasks 1.1, 1.2 and 3 more have ..."), checking its grammar on the way
 * (singular nouns and "has" for one); undefined when it is not in that form.
 */
export function namedInWarning(warning: string, says: string): number | undefined {
  const part = (noun: string) => `(${noun}s?) ([^,\\s]+(?:, [^,\\s]+)*?)(?: and (\\d+) more)?`;
  const escaped = says.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`^(?:${part("task")})?(?:(?<=\\S) and )?(?:${part("subtask")})? (has|have) ${escaped}$`).exec(warning);
  if (!m || (m[1] === undefined && m[4] === undefined)) return undefined;
  let total = 0;
  for (const [noun, ids, more] of [
    [m[1], m[2], m[3]],
    [m[4], m[5], m[6]],
  ] as const) {
    if (noun === undefined) continue;
    const n = ids!.split(", ").length + Number(more ?? 0);
    if ((n === 1) !== !noun.endsWith("s")) return undefined;
    total += n;
  }
  return (total === 1) === (m[7] === "has") ? total : undefined;
}

/** The plan's own warnings: its broken dependencies on settled work, and a run with nothing left to do. */
const PLAN_WARNING =
  /^(dependencies on ids that do not exist, on work done or cancelled in the file \(not waited for\): \S+ -> .+|all \d+ units are done or cancelled in the tasks file; use --include-done \(includeDone in the API\) to run them)$/;

export function describeEveryFile(dir: string, facts: CorpusFacts): void {
  const files = fixtureFiles(dir);
  const load = (file: string, tag?: string) => parseTaskFile(readFixture(file, dir), { file, tag });

  it("the facts cover exactly the files", () => {
    expect(files.length).toBeGreaterThan(0);
    expect(Object.keys(facts.files).sort()).toEqual(files);
    const tags = Object.entries(facts.files).flatMap(([file, f]) => Object.keys(f.tags).map((tag) => `${file} ${tag}`));
    for (const key of [...Object.keys(facts.broken), ...Object.keys(facts.warnings ?? {})]) expect(tags).toContain(key);
    for (const file of Object.keys(facts.completed)) expect(files).toContain(file);
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
        // one warning for the kind, naming every task and subtask that has it
        const completed = source.warnings.filter((w) => w.includes('"completed"'));
        const expected = facts.completed[file];
        expect(completed).toHaveLength(expected ? 1 : 0);
        if (expected) expect(namedInWarning(completed[0]!, COMPLETED_SAYS)).toBe(expected);
        expect(new Set(source.warnings).size).toBe(source.warnings.length);
        if (facts.warnings) expect(source.warnings).toEqual(facts.warnings[`${file} ${tag}`] ?? []);
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
        // the source's warnings are said once, with the source: the plan says only its own
        for (const w of warnings) expect(w).toMatch(PLAN_WARNING);
        for (const w of source.warnings) expect(warnings).not.toContain(w);
        const settled = units.filter((u) => u.initial).length;
        expect(warnings.some((w) => w.startsWith("all "))).toBe(units.length > 0 && settled === units.length);
      });
    });
  });
}
