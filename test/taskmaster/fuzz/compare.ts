// One fuzz case: Conveyor beside Task Master's verdict. A difference is either
// a documented one (docs/taskmaster.md, "Where Conveyor and Task Master
// differ"), returned as its class, or a problem that fails the fuzzer.
import { ConveyorError, DependencyCycleError, DuplicateTaskIdError, MissingDependencyError } from "../../../src/core/errors.js";
import { buildPlan } from "../../../src/core/plan.js";
import { readyTasks } from "../../../src/core/readiness.js";
import type { SourceTask, TaskSource } from "../../../src/core/task.js";
import { canonicalId, parseTaskFile } from "../../../src/core/taskmaster/index.js";
import type { Verdict } from "./judge.js";

export interface Outcome {
  /** Documented differences (and agreements worth counting) this case showed. */
  classes: string[];
  /** What fails the fuzzer: an undocumented disagreement, a crash, an error naming no task. */
  problems: string[];
}

export function compare(tasks: unknown[], tag: string, v: Verdict): Outcome {
  const classes: string[] = [];
  const problems: string[] = [];
  let source: TaskSource;
  try {
    source = parseTaskFile(JSON.stringify({ [tag]: { tasks } }), { tag });
  } catch (e) {
    if (!(e instanceof ConveyorError)) return { classes, problems: [`Conveyor crashed reading it: ${String(e)}`] };
    if (v.refused === undefined) problems.push(`Task Master's list reads it, Conveyor refuses: ${e.message}`);
    else classes.push("both refuse");
    return { classes, problems };
  }
  if (v.refused !== undefined) classes.push(`list refuses, Conveyor reads: ${refusalKind(v.refused)}`);
  else {
    const mine = readyTasks(source).map((t) => t.id);
    const theirs = v.ready.map((id) => canonicalId(id));
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) problems.push(`ready: Conveyor ${j(mine)}, Task Master ${j(theirs)}`);
    else classes.push(mine.length ? "same ready set" : "both: nothing ready");
  }

  const ids = new Set(source.tasks.flatMap((t) => [t.id, ...t.subtasks.map((s) => s.id)]));
  const plan = (label: string, run: () => ReturnType<typeof buildPlan>) => {
    try {
      return { plan: run() };
    } catch (e) {
      if (!(e instanceof ConveyorError)) {
        problems.push(`${label}: crashed: ${String(e)}`);
        return {};
      }
      const named = namedIds(e);
      if (named.length === 0 && e.code !== "EMPTY_SELECTION") problems.push(`${label}: ${e.code} names no task: ${e.message}`);
      for (const id of named) if (!ids.has(id)) problems.push(`${label}: ${e.code} names ${id}, which is not in the file`);
      return { error: e };
    }
  };

  const ready = readyTasks(source).map((t) => t.id);
  if (ready.length > 0) {
    const r = plan("ready run", () => buildPlan(source, { selection: ready, withDependencies: true }));
    if (r.error) classes.push(`ready run refused: ${r.error.code}`);
  }
  const all = plan("default run", () => buildPlan(source));
  if (all.error) classes.push(`default run refused: ${all.error.code}`);

  // validate-dependencies
  if (v.validateExit !== 0) classes.push("validate-dependencies stops on it");
  else if (v.issues.length === 0 && (all.error instanceof MissingDependencyError || all.error instanceof DependencyCycleError)) {
    const why = validatorBlindSpot(all.error, source);
    if (why) classes.push(`validate-dependencies calls it valid, Conveyor refuses: ${why}`);
    else problems.push(`validate-dependencies calls it valid, Conveyor refuses: ${all.error.message}`);
  } else if (all.plan) {
    for (const issue of v.issues.filter((i) => i.kind === "MISSING")) {
      const id = canonicalId(issue.id);
      const carrier = find(source, id);
      if (!carrier) classes.push("validate-dependencies names a task by an id Conveyor spells otherwise");
      else if (settled(source, carrier)) {
        const warned = all.plan.warnings.some((w) => w.includes(`${id} ->`));
        if (warned || carrier.dependencies.every((d) => ids.has(d)))
          classes.push("done work with a broken dependency: warned, not refused");
        else problems.push(`validate-dependencies: ${id} has a missing dependency; Conveyor neither refuses nor warns`);
      } else if (carrier.dependencies.every((d) => ids.has(d) || find(source, d))) {
        classes.push("validate-dependencies looks a dependency up where Task Master's rules do not");
      } else problems.push(`validate-dependencies: ${id} has a missing dependency; Conveyor runs it`);
    }
  }
  return { classes, problems };
}

function refusalKind(message: string): string {
  if (/description is required/.test(message)) return "no description";
  if (/title is required/.test(message)) return "no title";
  if (/priority/.test(message)) return "priority missing or not Task Master's";
  if (/status/.test(message)) return "status missing or not Task Master's";
  if (/ID is required/.test(message)) return "no id";
  return "a field of another type";
}

/** Where validate-dependencies, not Task Master's rules, lets a dependency pass. */
function validatorBlindSpot(e: MissingDependencyError | DependencyCycleError, source: TaskSource): string | undefined {
  // it reads every id and dependency with parseInt: "29.1,29.2" as 29.1, a task "2.5" as 2
  const int = (id: string) => String(Number.parseInt(id, 10));
  if (e instanceof DependencyCycleError) {
    if (e.cycle.some((id) => int(id) !== id)) return "it reads ids with parseInt (a task 1.5 depending on 1.5 is no cycle there)";
    const folded = e.cycle.some((id) => find(source, id)?.subtasks.some((s) => s.dependencies.length > 0));
    return folded ? "a cycle through a task's subtasks, which validate-dependencies does not follow" : undefined;
  }
  const parsed = (d: string) => d.includes(",") || source.tasks.some((t) => int(t.asWritten?.id ?? t.id) === int(d));
  if (e.missing.every((m) => parsed(m.dependency))) return "it reads ids with parseInt (a comma-joined or odd id passes)";
  const subtaskDeps = e.missing.every((m) => find(source, m.task)?.parentId !== undefined);
  return subtaskDeps ? "it checks subtasks' dependencies only for existence by parseInt" : undefined;
}

function namedIds(e: ConveyorError): string[] {
  if (e instanceof MissingDependencyError) return e.missing.map((m) => m.task);
  if (e instanceof DuplicateTaskIdError) return e.ids;
  if (e instanceof DependencyCycleError) return e.cycle;
  const withIds = e as ConveyorError & { ids?: string[]; missing?: { task: string }[] };
  return withIds.ids ?? withIds.missing?.map((m) => m.task) ?? [];
}

function find(source: TaskSource, id: string): SourceTask | undefined {
  for (const t of source.tasks) {
    if (t.id === id) return t;
    const s = t.subtasks.find((x) => x.id === id);
    if (s) return s;
  }
  return undefined;
}

const FINISHED = new Set(["done", "cancelled"]);
function settled(source: TaskSource, t: SourceTask): boolean {
  const parent = t.parentId === undefined ? undefined : source.tasks.find((p) => p.id === t.parentId);
  return FINISHED.has(t.status ?? "") || (parent !== undefined && FINISHED.has(parent.status ?? ""));
}

const j = (v: unknown) => JSON.stringify(v);
