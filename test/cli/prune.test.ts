// conveyor prune as installed (bin/conveyor.js runs dist/: `npm run build` first):
// a dry run lists and keeps, a prune deletes exactly the old runs, and bad input
// (an age it cannot read, no policy, a status that is not finished) exits 2 with
// a message naming the flag, before the store opens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { silentLogger } from "../../src/engine/ports.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { openDatabase } from "../../src/storage/database.js";
import { runConveyor } from "../support/conveyor-process.js";
import { makeStore, postgresReachable, type TestStore } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { serve } from "../api/support/process.js";

const AS_INSTALLED = ["bin/conveyor.js"];
const kind = (await postgresReachable()) ? "postgres" : "pglite";

describe(`conveyor prune (${kind})`, () => {
  let store: TestStore;
  let env: Record<string, string>;
  const old: string[] = [];
  const fresh: string[] = [];
  const conveyor = (args: string[], more: Record<string, string> = {}) =>
    runConveyor(args, { ...env, CONVEYOR_RETENTION: "", ...more }, AS_INSTALLED);
  const runIds = async () => {
    const db = await openDatabase({ url: store.config.databaseUrl, dataDir: store.config.dataDir });
    try {
      return (await db.sql.query<{ id: string }>("SELECT id FROM runs ORDER BY id")).map((r) => r.id);
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    store = await makeStore(kind);
    env = store.config.databaseUrl ? { DATABASE_URL: store.config.databaseUrl } : { CONVEYOR_DATA_DIR: store.config.dataDir! };
    const fn = new InProcessExecutor(() => "ok");
    const app = await createApp({ ...store.config, executors: { fn: () => fn }, recover: false, logger: silentLogger });
    for (let i = 0; i < 4; i++) {
      const { runId } = await app.engine.startRun({ source: inlineSource(["x", "y"]), options: { executor: "fn", force: true } });
      await app.engine.waitForRun(runId);
      (i < 2 ? old : fresh).push(runId);
    }
    await app.db.sql.query(`UPDATE runs SET finished_at = now() - interval '40 days' WHERE id = ANY($1::text[])`, [old]);
    await app.stop();
  }, 60_000);
  afterAll(() => store?.dispose());

  it("--dry-run lists the runs past the age and deletes nothing", async () => {
    const r = await conveyor(["prune", "--older-than", "30d", "--dry-run"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/^would delete 2 run\(s\):\nRUN +STATUS +FINISHED\n/);
    for (const id of old) expect(r.stdout).toMatch(new RegExp(`^${id} +succeeded +\\d{4}-`, "m"));
    for (const id of fresh) expect(r.stdout).not.toContain(id);
    expect(await runIds()).toEqual([...old, ...fresh].sort());
  });

  it("deletes exactly those runs, then finds nothing more", async () => {
    const r = await conveyor(["prune", "--older-than", "30d"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe("deleted 2 run(s): 4 task rows, 4 attempts, 2 event pages, 2 checkpoints\n");
    expect(await runIds()).toEqual([...fresh].sort());
    const again = await conveyor(["prune", "--dry-run"], { CONVEYOR_RETENTION: "30d" });
    expect([again.code, again.stdout]).toEqual([0, "nothing to prune\n"]);
  });

  it("conveyor serve with CONVEYOR_RETENTION prunes by itself and counts it in /metrics", async () => {
    const db = await openDatabase({ url: store.config.databaseUrl, dataDir: store.config.dataDir });
    await db.sql.query(`UPDATE runs SET finished_at = now() - interval '40 days' WHERE id = $1`, [fresh[0]]);
    await db.close();
    const server = await serve({ ...env, CONVEYOR_RETENTION: "30d" });
    try {
      let metrics = "";
      await eventually(async () => /^conveyor_runs_pruned_total 1$/m.test((metrics = await (await fetch(`${server.url}/metrics`)).text())));
      expect(metrics).toMatch(/^conveyor_prune_passes_total [1-9]/m);
    } finally {
      server.proc.kill("SIGTERM");
      await server.exited;
    }
    expect(await runIds()).toEqual([fresh[1]]);
  });

  it("--archive: a dry run lists, then the run is archived and conveyor status still reads it", async () => {
    const id = fresh[1]!;
    const db = await openDatabase({ url: store.config.databaseUrl, dataDir: store.config.dataDir });
    await db.sql.query(`UPDATE runs SET finished_at = now() - interval '40 days' WHERE id = $1`, [id]);
    await db.close();
    const dry = await conveyor(["prune", "--archive", "--older-than", "30d", "--dry-run"]);
    expect([dry.code, dry.stderr]).toEqual([0, ""]);
    expect(dry.stdout).toMatch(new RegExp(`^would archive 1 run\\(s\\):\nRUN +STATUS +FINISHED\n${id} +succeeded `));
    // the standing action applies when the standing policy does
    const standing = await conveyor(["prune", "--dry-run"], { CONVEYOR_RETENTION: "30d", CONVEYOR_RETENTION_ACTION: "archive" });
    expect(standing.stdout).toMatch(/^would archive 1 run\(s\):/);
    const r = await conveyor(["prune", "--archive", "--older-than", "30d"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(
      /^archived 1 run\(s\) into \d+(\.\d)? (B|KiB): 2 task rows, 2 attempts, 1 event pages, 1 checkpoints folded\n$/,
    );
    expect(await runIds()).toEqual([id]);
    const status = await conveyor(["status", id, "--all"]);
    expect([status.code, status.stderr]).toEqual([0, ""]);
    expect(status.stdout).toMatch(/archived \d{4}-\d\d-\d\dT[\d:]+: read from its archive, it cannot be resumed/);
    expect(status.stdout).toMatch(/^x +succeeded +1 /m);
    expect(status.stdout).toMatch(/^y +succeeded +1 /m);
    // nothing more to archive
    expect((await conveyor(["prune", "--archive", "--older-than", "30d", "--dry-run"])).stdout).toBe("nothing to prune\n");
  });

  it.each([
    [["prune", "--archive", "--delete", "--keep", "1"], {}, "error: --archive and --delete: give one of them\n"],
    [["prune", "--older-than", "10x"], {}, 'error: --older-than: "10x" is not a duration such as 30d, 12h, 90m, 2w or 45s\n'],
    [["prune", "--keep", "many"], {}, 'error: --keep: "many" is not a whole number\n'],
    [["prune"], {}, "error: give --older-than or --keep (or set CONVEYOR_RETENTION): prune deletes nothing without a policy\n"],
    [
      ["prune", "--keep", "1", "--status", "running"],
      {},
      "error: --status: not a finished status: running (one of succeeded, completed_with_failures, failed, cancelled, timed_out; runs not finished are never pruned)\n",
    ],
    [
      ["prune", "--dry-run"],
      { CONVEYOR_RETENTION: "forever" },
      'error: CONVEYOR_RETENTION: an age (30d), a count ("1000 runs") or both ("30d,1000 runs"), not "forever" ("forever" is neither a duration such as 30d, 12h, 90m, 2w or 45s nor a count such as "1000 runs")\n',
    ],
  ])("%j exits 2 with a clear message", async (args, more, message) => {
    const r = await conveyor(args, more);
    expect([r.code, r.stderr, r.stdout]).toEqual([2, message, ""]);
  });
});
