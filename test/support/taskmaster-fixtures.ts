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
