// The Task Master files the repository owns (test/fixtures/taskmaster/), written
// for these tests to reproduce every layout and oddity seen in real projects'
// tasks.json files. The real files themselves are the extra corpus suite's
// (test-corpus/), never read by the default suite.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const OWNED_FIXTURES = fileURLToPath(new URL("../fixtures/taskmaster/", import.meta.url));

/** The .json files directly in `dir` (not its subfolders), sorted. */
export const fixtureFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();

export const readFixture = (file: string, dir = OWNED_FIXTURES): string => readFileSync(join(dir, file), "utf8");

/** The tagged file in Task Master 0.43.1's own layout that most write-back and selection tests start from. */
export const cliTagged = (): string => readFixture("cli-tagged.json");

/**
 * A large tagged file written here (the size of the biggest real ones: 130 tasks
 * and subtasks, ~470 kB, 43 tasks depending on task 2), for tests where the
 * cost of rewriting the whole file matters. Every task is pending.
 */
export function largeTagged(tasks = 130): string {
  const paragraph = (i: number, k: number) =>
    `Step ${k} for area ${i}: read the current behaviour, write down what changes, keep the old path working until the new one is measured, ` +
    `then remove it. Note edge cases (empty input, very large input, concurrent callers) and the log lines an operator would need. `;
  const list = Array.from({ length: tasks }, (_, n) => {
    const id = n + 1;
    const dependencies = id === 1 ? [] : id === 2 ? [1] : id % 3 === 0 ? [2] : [id - 1];
    return {
      id,
      title: `Work area ${id}`,
      description: `Everything area ${id} needs before release.`,
      details: Array.from({ length: 4 }, (_, k) => paragraph(id, k + 1)).join("\n"),
      testStrategy: `Run the area ${id} checks and compare with the recorded baseline.`,
      status: "pending",
      dependencies,
      priority: id % 5 === 0 ? "high" : "medium",
      subtasks: Array.from({ length: 3 }, (_, k) => ({
        id: k + 1,
        title: `Part ${k + 1} of area ${id}`,
        description: paragraph(id, k + 20),
        details: paragraph(id, k + 30),
        status: "pending",
        dependencies: k === 0 ? [] : [k],
      })),
    };
  });
  return JSON.stringify(
    {
      master: {
        tasks: list,
        metadata: { created: "2026-01-05T10:00:00.000Z", updated: "2026-01-05T10:00:00.000Z", description: "Tasks for the master context" },
      },
    },
    null,
    2,
  );
}
