// What users see of a run whose driver went away, through the real command:
// after Ctrl-C, `runs` and `status` say interrupted (not running, no running
// tasks, no ETA) with the resume command; `recover` names a run whose driver is
// silent elsewhere, with the time left on its lease, instead of "no interrupted runs".
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { formatOwner } from "../../src/core/lease-owner.js";
import { openDatabase } from "../../src/storage/database.js";
import { runConveyor as runFrom } from "../support/conveyor-process.js";
import { makeStore, storeKinds, tempDir } from "../support/databases.js";
import { eventually } from "../support/engine.js";

const kinds = await storeKinds();
/** The compiled command (npm ci builds dist/; rebuild after changes): these tests start it several times. */
const runConveyor = (args: string[], env: Record<string, string>) => runFrom(args, env, ["bin/conveyor.js"]);
const tasks = JSON.stringify(["a", "b", "c"].map((id) => ({ id, dependencies: [], command: "sleep 30" })));

describe("an interrupted run as the CLI shows it", () => {
  it("after Ctrl-C, runs and status say interrupted with the resume command, no running tasks and no ETA", async () => {
    const env = { CONVEYOR_DATA_DIR: tempDir() };
    const run = runConveyor(["run", "--inline", tasks, "--parallel", "3"], env);
    await eventually(() => /run \S+: 3 tasks/.test(run.stdoutSoFar()), 60_000);
    const runId = /run (\S+): 3 tasks/.exec(run.stdoutSoFar())![1]!;
    await eventually(() => run.stdoutSoFar().includes("task.started c"), 30_000);
    run.proc.kill("SIGINT");
    expect((await run).code).toBe(130);

    const runs = await runConveyor(["runs"], env);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(new RegExp(`^${runId}\\s+interrupted\\s`, "m"));
    const only = await runConveyor(["runs", "--status", "interrupted"], env);
    expect(only.stdout).toContain(runId);

    const status = await runConveyor(["status", runId], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^run ${runId} interrupted in`, "m"));
    expect(status.stdout).toContain(`conveyor resume ${runId}`);
    expect(status.stdout).toMatch(/running 0 {2}ETA --/);
    expect(status.stdout).not.toMatch(/\| a \d/);
  }, 300_000);

  it.skipIf(!kinds.includes("postgres"))(
    "recover names a run whose driver is silent elsewhere, with its lease's time left",
    async () => {
      const store = await makeStore("postgres");
      try {
        const db = await openDatabase({ url: store.config.databaseUrl! });
        const owner = formatOwner(
          { host: `${hostname()}-other`, bootId: "0e5b7c1a-0000-4000-8000-000000000000", pid: 4242, startTicks: 1 },
          "abcd1234",
        );
        await db.sql.query(
          `INSERT INTO runs (id, status, options, source, total, pending, created_at, lease_owner, lease_expires_at)
         VALUES ('silent-run', 'running', '{}'::jsonb, '{"origin":"inline","format":"inline","warnings":[]}'::jsonb, 0, 0, now(), $1, now() + interval '10 minutes')`,
          [owner],
        );
        await db.close();
        const r = await runConveyor(["recover"], { DATABASE_URL: store.config.databaseUrl! });
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(
          /^run silent-run: interrupted, lease expires in \d{3} s \(unless \S+-other pid 4242 still drives it\); then: conveyor resume silent-run$/m,
        );
        expect(r.stdout).not.toContain("no interrupted runs");
      } finally {
        await store.dispose();
      }
    },
    120_000,
  );
});
