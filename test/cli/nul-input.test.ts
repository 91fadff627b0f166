// A NUL character (U+0000) in a task's id, title or command reaches the run-start
// check (src/core/text-guard.ts, called where every run starts) and is refused
// there: `error: <field>: holds a NUL character ...`, exit 2, no stack trace, on
// both stores. PostgreSQL text cannot hold NUL; before, this was a stack trace
// and exit 1. Through the compiled binary, as installed (npm run build first).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runConveyor } from "../support/conveyor-process.js";
import { makeStore, storeKinds, tempDir, type TestStore } from "../support/databases.js";

const AS_INSTALLED = ["bin/conveyor.js"];
const kinds = await storeKinds();

// each case opens a fresh store (PGlite starts and migrates in the child): slow on a busy machine
describe.each(kinds)("a NUL in the tasks (%s)", { timeout: 180_000 }, (kind) => {
  const stores: TestStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.dispose();
  });
  const env = async (): Promise<Record<string, string>> => {
    const store = await makeStore(kind);
    stores.push(store);
    return store.config.databaseUrl ? { DATABASE_URL: store.config.databaseUrl } : { CONVEYOR_DATA_DIR: store.config.dataDir! };
  };

  it.each([
    ["a tasks file: a title", { tasks: [{ id: 1, title: "a\u0000b", status: "pending", dependencies: [] }] }, "tasks[0].title"],
    [
      "a tasks file: a subtask's details",
      {
        tasks: [
          {
            id: 1,
            title: "t",
            status: "pending",
            dependencies: [],
            subtasks: [{ id: 1, title: "s", details: "\u0000", dependencies: [] }],
          },
        ],
      },
      "tasks[0].subtasks[0].details",
    ],
  ])("%s: error naming the field, exit 2", async (_what, content, field) => {
    const dir = tempDir();
    const file = join(dir, "tasks.json");
    writeFileSync(file, JSON.stringify(content));
    const r = await runConveyor(["run", "--tasks", file, "--command", "true"], await env(), AS_INSTALLED);
    expect([r.code, r.stderr]).toEqual([
      2,
      expect.stringMatching(new RegExp(`^error: ${field.replace(/[[\].]/g, "\\$&")}: holds a NUL character`)),
    ]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it.each([
    ["an id", `[{"id": "a\\u0000b", "dependencies": []}]`, "tasks[0].id"],
    ["a command", `[{"id": "1", "command": "echo \\u0000", "dependencies": []}]`, "tasks[0].command"],
  ])("--inline with %s: error naming the field, exit 2", async (_what, inline, field) => {
    const r = await runConveyor(["run", "--inline", inline, "--command", "true"], await env(), AS_INSTALLED);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*holds a NUL character/);
    expect(r.stderr).toContain(field);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
