// A local run that cannot work is refused by engine.startRun itself, before it is
// recorded, with the error bad options get (InvalidOptionError: the CLI's exit 2,
// GraphQL's InvalidInput, REST's 400): a task with no command, a cwd that is not a
// folder, syncStatus with no tasks file to write into. Tasks with commands of their own, or already done, need no template.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidOptionError } from "../../src/core/errors.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { tempDir } from "../support/databases.js";
import { openTestEngine, type TestEngine } from "../support/engine.js";

describe("engine.startRun checks a local run before recording it", () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine("pglite");
  });
  afterAll(() => t?.close());

  const runCount = async () => (await t.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM runs"))[0]!.n;

  it("refuses tasks that have no command, naming them, and records nothing", async () => {
    const source = inlineSource([
      { id: "a", dependencies: [], command: "true" },
      { id: "b", dependencies: ["a"] },
      { id: "c", dependencies: [] },
    ]);
    const err = await t.engine.startRun({ source, options: { executor: "local" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).field).toBe("command");
    expect((err as Error).message).toMatch(/^command: tasks b, c have no command/);
    expect(await runCount()).toBe(0);
  });

  it("refuses a cwd that does not exist or is a file", async () => {
    const source = inlineSource([{ id: "a", dependencies: [], command: "true" }]);
    const dir = tempDir();
    const file = join(dir, "file");
    writeFileSync(file, "");
    for (const cwd of [join(dir, "missing"), file]) {
      const err = await t.engine.startRun({ source, options: { executor: "local", cwd } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidOptionError);
      expect((err as InvalidOptionError).field).toBe("cwd");
    }
    expect(await runCount()).toBe(0);
  });

  it("refuses syncStatus on inline tasks, in startRun and previewRun alike: no caller gets around it", async () => {
    const source = inlineSource([{ id: "a", dependencies: [], command: "true" }]);
    const input = { source, options: { executor: "local", syncStatus: true } };
    for (const attempt of [t.engine.startRun(input), t.engine.previewRun(input)]) {
      const err = await attempt.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidOptionError);
      expect((err as InvalidOptionError).field).toBe("syncStatus");
      expect((err as Error).message).toBe("syncStatus: status write-back needs a tasks file, not inline tasks");
    }
    expect(await runCount()).toBe(0);
  });

  it("starts a run whose tasks all have commands, in an existing cwd, without a template", async () => {
    const source = inlineSource([{ id: "a", dependencies: [], command: "true" }]);
    const { runId } = await t.engine.startRun({ source, options: { executor: "local", cwd: tempDir() } });
    expect((await t.engine.waitForRun(runId)).status).toBe("succeeded");
  });
});
