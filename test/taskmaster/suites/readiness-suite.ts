// Conveyor and Task Master agree on which tasks are ready, on every file of a
// corpus. One scratch project holds every tag of every file (each tag's tasks
// copied as they are), so one `task-master list --ready --all-tags --json`
// judges them all: a call costs ~3 s of CPU to load, and Task Master's
// readiness is computed per tag, so sharing a file changes nothing it looks at.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildPlan } from "../../../src/core/plan.js";
import { isFinished, readyTasks } from "../../../src/core/readiness.js";
import { resolveSelection } from "../../../src/core/task-filter.js";
import type { TaskSource } from "../../../src/core/task.js";
import { parseTaskFile } from "../../../src/core/taskmaster/index.js";
import { fixtureFiles } from "../../support/taskmaster-fixtures.js";
import { jsonOf, scratchProject, taskMaster, type CliResult } from "../task-master-cli.js";

export interface ReadinessFacts {
  /**
   * Per "<file> [<tag or untagged>]", where running everything starts more than
   * Task Master calls ready (deferred tasks whose dependencies are done: `all`
   * means every task not done or cancelled, docs/taskmaster.md), or the error
   * with which Conveyor refuses the run outright.
   */
  waveExtra: Record<string, string[] | (new (...a: never[]) => Error)>;
  /** Files holding the non-standard status "completed", which Task Master refuses. */
  completedFiles: number;
  /** Files whose tag holds a bare array, which Task Master reads nothing from. */
  tagArrayFiles: number;
  /**
   * Tags with a top-level task without a title, which Task Master's `list` refuses
   * ("Task title is required") and Conveyor reads, titled by its id (docs/taskmaster.md).
   */
  untitledTags: number;
}

interface Case {
  label: string;
  /** The tag in the shared project. */
  projectTag: string;
  source: TaskSource;
}
type Raw = Record<string, unknown>;

export function describeReadiness(dir: string, facts: ReadinessFacts): void {
  const cases: Case[] = [];
  /** Tags holding a file's tasks exactly as written where Task Master 0.43.1 cannot read them. */
  const refused = { completed: [] as string[], tagArray: [] as string[], untitled: [] as string[] };
  const project: Raw = {};

  fixtureFiles(dir).forEach((file, i) => {
    const text = readFileSync(join(dir, file), "utf8");
    const data = JSON.parse(text) as Raw | unknown[];
    const first = parseTaskFile(text, { file });
    const holdsTasks = (v: unknown) => typeof v === "object" && v !== null && "tasks" in v;
    const tags = first.format === "tagged" ? Object.keys(data).filter((k) => holdsTasks((data as Raw)[k])) : [first.tag];
    for (const tag of tags) {
      const source = tag === first.tag ? first : parseTaskFile(text, { file, tag });
      const projectTag = `${String(i).padStart(2, "0")}-${tag ?? "master"}`;
      let value: Raw;
      if (first.format === "tagged") value = (data as Raw)[tag!] as Raw;
      else if (first.format === "legacy")
        value = data as Raw; // what Task Master's own migration moves under master
      else value = { tasks: first.format === "bare-list" ? data : (data as Raw)[tag!] }; // layouts it reads nothing from
      if (first.format === "tag-array") {
        project[`${projectTag}-as-written`] = (data as Raw)[tag!];
        refused.tagArray.push(`${projectTag}-as-written`);
      }
      const tasks = Array.isArray(value.tasks) ? (value.tasks as unknown[]) : [];
      const hasTitle = (t: unknown) => typeof t !== "object" || t === null || typeof (t as Raw).title === "string";
      if (first.format !== "tag-array" && !tasks.every(hasTitle)) {
        // compared with a copy titled as Conveyor titles them (by id); the file as written shows the refusal
        project[`${projectTag}-untitled`] = value;
        refused.untitled.push(`${projectTag}-untitled`);
        value = { ...value, tasks: tasks.map((t) => (hasTitle(t) ? t : { ...(t as Raw), title: String((t as Raw).id) })) };
      }
      if (text.includes('"completed"')) {
        // Task Master refuses the non-standard status; Conveyor reads it as done (a warning), so
        // it is compared with a copy where it says done, and the file as written is kept to show the refusal
        project[`${projectTag}-as-written`] = value;
        refused.completed.push(`${projectTag}-as-written`);
        value = JSON.parse(JSON.stringify(value).replaceAll('"status":"completed"', '"status":"done"')) as Raw;
      }
      project[projectTag] = value;
      cases.push({ label: `${file} [${tag ?? "untagged"}]`, projectTag, source });
    }
  });

  let listed: CliResult;
  let ready: Map<string, string[]>;

  beforeAll(async () => {
    listed = await taskMaster(scratchProject(JSON.stringify(project, null, 2)), ["list", "--ready", "--all-tags", "--json"]);
    ready = new Map();
    for (const t of jsonOf<{ tasks: { id: string | number; tagName: string }[] }>(listed).tasks) {
      ready.set(t.tagName, [...(ready.get(t.tagName) ?? []), String(t.id)]);
    }
  }, 120_000);

  const ids = (tasks: { id: string }[]) => tasks.map((t) => t.id);

  /** Dispatched first when asked to run everything: not settled at the start, every dependency in the plan settled. */
  function firstWave(source: TaskSource): string[] {
    const plan = buildPlan(source, { selection: resolveSelection(source, "all") });
    return plan.units.filter((u) => !u.initial && u.deps.every((d) => plan.units[d]!.initial)).map((u) => u.id);
  }

  describe("ready tasks: Conveyor and `task-master list --ready`", () => {
    it("Task Master read every tag, refusing only the non-standard status and untitled tasks, and reading nothing from a tag holding a bare array", () => {
      expect(listed.code).toBe(0);
      const out = listed.stdout + listed.stderr;
      expect(refused.completed).toHaveLength(facts.completedFiles);
      for (const tag of refused.completed) expect(out).toContain(`${tag}: Invalid task status: completed`);
      expect(refused.untitled).toHaveLength(facts.untitledTags);
      for (const tag of refused.untitled) expect(out).toContain(`${tag}: Task title is required`);
      expect(out).toContain(`Could not fetch tasks from ${refused.completed.length + refused.untitled.length} tag(s)`);
      expect(refused.tagArray).toHaveLength(facts.tagArrayFiles);
      for (const tag of refused.tagArray) expect(ready.has(tag)).toBe(false);
    });

    it("the facts name only tags that exist", () => {
      const labels = cases.map((c) => c.label);
      for (const label of Object.keys(facts.waveExtra)) expect(labels).toContain(label);
    });

    it.each(cases)("$label", ({ source, projectTag, label }) => {
      const mine = ids(readyTasks(source));
      expect(mine).toEqual(ready.get(projectTag) ?? []);
      expect(ids(source.tasks.filter((t) => mine.includes(t.id)))).toEqual(mine); // file order, like Task Master

      const extra = facts.waveExtra[label];
      if (typeof extra === "function") {
        expect(() => firstWave(source)).toThrow(extra);
        return;
      }
      const wave = firstWave(source);
      expect(wave.filter((id) => !mine.includes(id))).toEqual(extra ?? []);
      expect(mine.filter((id) => !wave.includes(id))).toEqual([]);
      for (const id of extra ?? []) {
        const task = source.tasks.find((t) => t.id === id)!;
        expect(task.status).toBe("deferred");
        expect(task.dependencies.every((d) => isFinished(source.tasks.find((t) => t.id === d)!))).toBe(true);
      }
      if (mine.length > 0) expect(resolveSelection(source, "ready")).toEqual(mine);
    });
  });
}
