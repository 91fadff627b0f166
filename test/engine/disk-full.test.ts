// The embedded store out of disk in the middle of a run: the run holds, then
// stops with the error that names the resume command, and once space is freed
// the resume finishes it with every completion recorded once. The disk is a
// small tmpfs of the test's own, filled with one file; mounting it needs root,
// so elsewhere the suite is skipped with a loud line.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreOutageError } from "../../src/core/errors.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { Engine } from "../../src/engine/engine.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { tempDir } from "../support/databases.js";
import { eventually, sleep } from "../support/engine.js";

const disk = tempDir("conveyor-disk-");
const mounted = (() => {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=96m", "tmpfs", disk], { stdio: "ignore" });
    return true;
  } catch {
    console.warn("\n!!! cannot mount a small tmpfs (needs root): the disk-full suite is SKIPPED\n");
    return false;
  }
})();

describe.skipIf(!mounted)("the embedded store out of disk mid-run", () => {
  let db: Database;
  let engine: Engine;
  const filler = join(disk, "filler");

  beforeAll(async () => {
    mkdirSync(join(disk, "data"));
    db = await openDatabase({ dataDir: join(disk, "data") });
    engine = new Engine({
      store: new PrismaRunStore(db),
      bus: new MemoryBus(),
      executors: { fn: () => new InProcessExecutor(async () => (await sleep(20), "ok")) },
      outageBudgetMs: 3_000,
    });
  }, 120_000);

  afterAll(async () => {
    await engine?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    execFileSync("umount", [disk]);
    rmSync(disk, { recursive: true, force: true });
  }, 60_000);

  it("holds, stops naming the resume command, and the resume finishes once space is freed", async () => {
    const n = 300;
    const tasks = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, dependencies: i % 10 ? [`t${i - 1}`] : [] }));
    const { runId } = await engine.startRun({ source: inlineSource(tasks), options: { executor: "fn", maxParallel: 4, force: true } });
    await eventually(async () => (await engine.store.getRun(runId))!.succeeded >= 20, 60_000);
    // every free block but a few: the next pages the store needs are not there
    const free = Number(execFileSync("df", ["-k", "--output=avail", disk]).toString().trim().split("\n").pop()) * 1024;
    execFileSync("fallocate", ["-l", String(free - 4096), filler]);
    const err = await engine.waitForRun(runId).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(StoreOutageError);
    expect((err as Error).message).toMatch(/No space left on device/);
    expect((err as Error).message).toContain(`conveyor resume ${runId}`);

    rmSync(filler);
    await engine.resumeRun(runId);
    const run = await engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    const successes = (await engine.store.readEvents(runId, 0, 1_000_000)).filter((e) => e.type === "task.succeeded");
    expect(successes).toHaveLength(n);
    expect(new Set(successes.map((e) => e.taskId)).size).toBe(n);
  }, 180_000);
});
