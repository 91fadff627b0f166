// `conveyor plan` and `conveyor run --dry-run` as a user runs them: the compiled
// bin (npm run build first), the demo project, the embedded store, and
// PostgreSQL to count what is recorded (nothing).
import { cpSync } from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runConveyor } from "../support/conveyor-process.js";
import { postgresReachable, postgresStore, tempDir, type TestStore } from "../support/databases.js";

const AS_INSTALLED = ["bin/conveyor.js"];
const dataDir = tempDir();
const project = tempDir();
cpSync("examples/demo", project, { recursive: true });

const conveyor = (args: string[], env: Record<string, string> = {}) =>
  runConveyor(args, { CONVEYOR_DATA_DIR: dataDir, ...env }, AS_INSTALLED);
const flags = ["--tasks", project, "--parallel", "4", "--command", `${project}/do-task.sh {id}`];

interface PlanJson {
  version: number;
  source: { origin: string; tag?: string; format: string; selection?: string };
  total: number;
  toRun: number;
  maxParallel: number;
  levels: {
    level: number;
    tasks: { id: string; title: string; kind: string; level: number; dependsOn: string[]; expectedMs: number | null; estimate: string }[];
  }[];
  skipped: { id: string; title: string; reason: string; detail: string }[];
  external: { id: string; satisfiedBy: string; detail: string }[];
  criticalPath: { basis: string; ms: number | null; tasks: string[] };
  eta: { ms: number | null; fromHistory: number; fromMean: number };
  warnings: string[];
}

// each test starts the bin up to four times, each opening the store: minutes on a busy machine
const SLOW = { timeout: 300_000 };

describe("conveyor plan on the demo project", SLOW, () => {
  it("before any run: every task by level, the critical path by task count, no ETA yet", async () => {
    const r = await conveyor(["plan", ...flags]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("10 tasks: 10 to run, 0 skipped; --parallel 4; nothing recorded");
    expect(r.stdout).toMatch(/level 2: 4 tasks\n {4}2 {5}Design the data model\s*\n {4}4 {5}Build the scheduler/);
    expect(r.stdout).toContain("critical path (by task count: no durations known yet, 6 tasks): 1 → 2 → 3 → 7 → 9 → 10");
    expect(r.stdout).toContain("ETA: unknown at --parallel 4");
  });

  it("run --dry-run --json prints the documented shape", async () => {
    const r = await conveyor(["run", "--dry-run", "--json", ...flags]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as PlanJson;
    expect(p).toMatchObject({
      version: 1,
      source: { origin: `${project}/.taskmaster/tasks/tasks.json`, tag: "master", format: "tagged" },
      total: 10,
      toRun: 10,
      maxParallel: 4,
      skipped: [],
      external: [],
      criticalPath: { basis: "tasks", ms: null, tasks: ["1", "2", "3", "7", "9", "10"] },
      eta: { ms: null, fromHistory: 0, fromMean: 0 },
      warnings: [],
    });
    expect(p.levels.map((l) => [l.level, l.tasks.map((t) => t.id)])).toEqual([
      [1, ["1"]],
      [2, ["2", "4", "5", "8"]],
      [3, ["3", "6"]],
      [4, ["7"]],
      [5, ["9"]],
      [6, ["10"]],
    ]);
    expect(p.levels[2]!.tasks[1]).toEqual({
      id: "6",
      title: "Add retries",
      kind: "task",
      level: 3,
      dependsOn: ["4", "5"],
      expectedMs: null,
      estimate: "none",
    });
  });

  it("after a run: every task a memo hit; a forced task is timed by that run", async () => {
    const run = await conveyor(["run", ...flags, "--retry-delay", "100ms"]);
    expect(run.code).toBe(0);

    const again = await conveyor(["plan", ...flags]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("10 tasks: 0 to run, 10 skipped");
    expect(again.stdout).toContain("skipped: 10 tasks (10 from the memo cache):");
    expect(again.stdout).toMatch(/^ {4}7 {5}Expose the API\s+memo hit: succeeded in an earlier run with the same inputs$/m);
    expect(again.stdout).toContain("ETA: nothing to run");

    const forced = JSON.parse((await conveyor(["plan", ...flags, "--select", "7", "--force", "--json"])).stdout) as PlanJson;
    expect(forced.source.selection).toBe("7");
    expect(forced.external).toEqual([
      { id: "3", satisfiedBy: "memoized", detail: "completed: succeeded in an earlier run with the same inputs" },
      { id: "4", satisfiedBy: "memoized", detail: "completed: succeeded in an earlier run with the same inputs" },
    ]);
    const seven = forced.levels[0]!.tasks[0]!;
    // task 7 sleeps 8 × 0.25 s
    expect(seven).toMatchObject({ id: "7", estimate: "history" });
    expect(seven.expectedMs).toBeGreaterThan(1_900);
    expect(forced.eta).toEqual({ ms: seven.expectedMs, fromHistory: 1, fromMean: 0 });
    expect(forced.criticalPath).toEqual({ basis: "duration", ms: seven.expectedMs, tasks: ["7"] });
  });

  it("refuses a dependency outside the selection that nothing satisfies, as run does", async () => {
    const args = ["--inline", '[{"id": "a"}, {"id": "b", "dependencies": ["a"]}]', "--select", '["b"]', "--command", "true"];
    const plan = await conveyor(["plan", ...args]);
    const run = await conveyor(["run", ...args]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toBe(
      "error: selected tasks depend on tasks outside the selection that are not done (select them too, or use withDependencies): b -> a\n",
    );
    expect(plan.stdout).toBe("");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(plan.stderr);
  });

  it("recorded none of the plans: the one run is the demo's", async () => {
    const runs = JSON.parse((await conveyor(["runs", "--json"])).stdout) as { total: number }[];
    expect(runs.map((r) => r.total)).toEqual([10]);
  });

  it.each([
    [["plan", "--tasks", project, "--parallel", "zero"], /--parallel: "zero" is not a whole number/],
    [["plan", "--tasks", project, "--select", "1,99"], /unknown task id: 99/],
    [["plan", "--tasks", project, "--dry-run"], /unknown option '--dry-run'/],
    [["run", "--tasks", project, "--json"], /--json prints the plan: it goes with --dry-run/],
  ])("refuses bad input %j with exit 2 and a message naming it", async (args, message) => {
    const r = await conveyor(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });
});

describe.skipIf(!(await postgresReachable()))("conveyor plan records nothing (PostgreSQL)", SLOW, () => {
  let store: TestStore;
  afterAll(() => store?.dispose());

  const counts = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = ["runs", "task_runs", "attempts", "run_event_pages", "checkpoints", "memo_cache"];
      const rows = await Promise.all(tables.map((t) => client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)));
      return Object.fromEntries(tables.map((t, i) => [t, rows[i]!.rows[0]!.n]));
    } finally {
      await client.end();
    }
  };

  it("no run, task, event or memo row, before a run or after one", async () => {
    store = await postgresStore();
    const env = { DATABASE_URL: store.config.databaseUrl! };
    const args = ["--inline", '["x", {"id": "y", "dependencies": ["x"]}]', "--command", "true"];
    const first = await conveyor(["plan", ...args], env);
    expect(first.code).toBe(0);
    const empty = { runs: 0, task_runs: 0, attempts: 0, run_event_pages: 0, checkpoints: 0, memo_cache: 0 };
    expect(await counts(env.DATABASE_URL)).toEqual(empty);

    expect((await conveyor(["run", ...args], env)).code).toBe(0);
    const afterRun = await counts(env.DATABASE_URL);
    expect(afterRun.runs).toBe(1);
    const again = await conveyor(["run", "--dry-run", ...args], env);
    expect(again.stdout).toContain("2 tasks: 0 to run, 2 skipped");
    expect(await counts(env.DATABASE_URL)).toEqual(afterRun);
  });
});
