// Task lists for the differential fuzzer: a valid list first (shaped as the
// CLI writes them: every field, numeric ids, subtasks with sibling
// dependencies), then mutations the ways real files differ from it.
import fc from "fast-check";

type Raw = Record<string, unknown>;
const STATUSES = ["pending", "in-progress", "done", "deferred", "cancelled", "blocked", "review"];
const PRIORITIES = ["low", "medium", "high"];

/** A valid tag: tasks 1..n, each depending on earlier ones, some with subtasks. */
const validTasks = fc.integer({ min: 0, max: 9 }).chain((n) =>
  fc
    .tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.record({
          status: fc.constantFrom(...STATUSES),
          priority: fc.constantFrom(...PRIORITIES),
          deps: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, i) }), { maxLength: i === 0 ? 0 : 3 }),
          subs: fc.array(fc.record({ status: fc.constantFrom(...STATUSES), dep: fc.boolean() }), { maxLength: 3 }),
        }),
      ),
    )
    .map((specs) =>
      specs.map((s, i): Raw => ({
        id: i + 1,
        title: `Task ${i + 1}`,
        description: `Does ${i + 1}`,
        details: "",
        testStrategy: "",
        status: s.status,
        priority: s.priority,
        dependencies: s.deps,
        subtasks: s.subs.map((sub, k) => ({
          id: k + 1,
          title: `Subtask ${i + 1}.${k + 1}`,
          description: "",
          status: sub.status,
          dependencies: sub.dep && k > 0 ? [k] : [],
        })),
      })),
    ),
);

/** One mutation: a name (for the summary) and what it does to a copy of the list. */
export interface Mutation {
  name: string;
  apply(tasks: Raw[]): void;
}

const pick = <T>(list: T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);
const isObj = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const objs = (tasks: unknown[]): Raw[] => tasks.filter(isObj);
const subtasksOf = (tasks: Raw[]) => objs(tasks).flatMap((t) => (Array.isArray(t.subtasks) ? objs(t.subtasks) : []));

const FIELDS = ["title", "description", "priority", "status", "dependencies", "subtasks", "id"];

const mutation: fc.Arbitrary<Mutation> = fc.tuple(fc.nat(), fc.nat(), fc.nat()).chain(([a, b, c]) =>
  fc.constantFrom<Mutation>(
    { name: "task field dropped", apply: (ts) => void delete pick(objs(ts), a)?.[pick(FIELDS, b)!] },
    {
      name: "subtask field dropped",
      apply: (ts) => void delete pick(subtasksOf(ts), a)?.[pick(["title", "dependencies", "status", "description"], b)!],
    },
    {
      name: "id as a string",
      apply: (ts) => {
        const t = pick(objs(ts), a);
        if (t) t.id = String(t.id);
      },
    },
    {
      name: "id with leading zero",
      apply: (ts) => {
        const t = pick(objs(ts), a);
        if (typeof t?.id === "number") t.id = `0${t.id}`;
      },
    },
    {
      name: "id as a float",
      apply: (ts) => {
        const t = pick(objs(ts), a);
        if (typeof t?.id === "number") t.id = t.id + 0.5;
      },
    },
    {
      name: "subtask id dotted",
      apply: (ts) => {
        const t = pick(
          objs(ts).filter((x) => Array.isArray(x.subtasks) && x.subtasks.length),
          a,
        );
        const s = pick(objs((t?.subtasks as unknown[]) ?? []), b);
        if (t && s) s.id = b % 2 ? `${String(t.id)}.${String(s.id)}` : Number(`${String(t.id)}.${String(s.id)}`);
      },
    },
    {
      name: "status outside the enum",
      apply: (ts) => {
        const t = pick([...objs(ts), ...subtasksOf(ts)], a);
        if (t) t.status = pick(["todo", "Done", "completed", "in_progress", 5, ""], b);
      },
    },
    {
      name: "dependency as a string",
      apply: (ts) => {
        const t = pick(objs(ts), a);
        const d = t?.dependencies;
        if (Array.isArray(d) && d.length) d[b % d.length] = String(d[b % d.length]);
      },
    },
    {
      name: "dependencies comma-joined",
      apply: (ts) => {
        const t = pick([...objs(ts), ...subtasksOf(ts)], a);
        const d = t?.dependencies;
        if (t && Array.isArray(d) && d.length > 1) t.dependencies = [d.map(String).join(",")];
      },
    },
    {
      name: "dependencies field a string",
      apply: (ts) => {
        const t = pick([...objs(ts), ...subtasksOf(ts)], a);
        if (t && Array.isArray(t.dependencies)) t.dependencies = t.dependencies.map(String).join(",");
      },
    },
    {
      name: "self dependency",
      apply: (ts) => {
        const t = pick(objs(ts), a);
        if (t && Array.isArray(t.dependencies)) t.dependencies.push(t.id);
      },
    },
    {
      name: "dependency on nothing",
      apply: (ts) => {
        const t = pick([...objs(ts), ...subtasksOf(ts)], a);
        if (t && Array.isArray(t.dependencies)) t.dependencies.push(pick([99, "99", "42.7", null, ""], b));
      },
    },
    {
      name: "dependency on a later task",
      apply: (ts) => {
        const t = pick(objs(ts), a);
        const u = pick(objs(ts), b);
        if (t && u && Array.isArray(t.dependencies)) t.dependencies.push(u.id);
      },
    },
    {
      name: "done work with a broken dependency",
      apply: (ts) => {
        const t = pick(objs(ts), a);
        if (t) {
          t.status = "done";
          const s = pick(Array.isArray(t.subtasks) ? objs(t.subtasks) : [], b);
          (s ?? t).dependencies = [`${String(t.id)}.1,${String(t.id)}.2`];
          if (s) s.status = "done";
        }
      },
    },
    { name: "empty tag", apply: (ts) => void ts.splice(0) },
    {
      name: "duplicated id",
      apply: (ts) => {
        const t = pick(objs(ts), a);
        if (t) ts.splice(b % (ts.length + 1), 0, { ...structuredClone(t), status: pick(STATUSES, c) });
      },
    },
    {
      name: "deep nesting",
      apply: (ts) => {
        const s = pick(subtasksOf(ts), a);
        if (s) s.subtasks = [{ id: 1, title: "nested", subtasks: [{ id: 1, title: "deeper" }] }];
      },
    },
    { name: "not an object", apply: (ts) => void ts.splice(a % (ts.length + 1), 0, pick([null, 7, "task"], b) as never) },
    {
      name: "field of the wrong type",
      apply: (ts) => {
        const t = pick([...objs(ts), ...subtasksOf(ts)], a);
        if (t) t[pick(["title", "description", "details", "priority"], b)!] = pick([5, true, { x: 1 }, ["a"]], c);
      },
    },
    {
      name: "big",
      apply: (ts) => {
        const base = ts.length;
        for (let i = 1; i <= 120; i++)
          ts.push({
            id: base + i,
            title: `Big ${i}`,
            description: "d",
            status: pick(STATUSES, a + i),
            priority: "low",
            dependencies: i > 1 ? [base + i - 1] : [],
          });
      },
    },
  ),
);

export interface FuzzCase {
  tasks: unknown[];
  mutations: string[];
}

/** A valid list and 0 to 4 mutations applied in order. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.tuple(validTasks, fc.array(mutation, { maxLength: 4 })).map(([tasks, mutations]) => {
  const copy = structuredClone(tasks);
  for (const m of mutations) m.apply(copy);
  return { tasks: copy, mutations: mutations.map((m) => m.name) };
});

/** `count` cases from `seed`, the same every time. */
export function sampleCases(count: number, seed: number): FuzzCase[] {
  return fc.sample(fuzzCase, { numRuns: count, seed });
}
