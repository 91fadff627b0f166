// Write-back is a property of the run, not of the process that started it:
// `conveyor resume` of a run started with --sync-status keeps the file current.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { tempDir } from "../support/databases.js";
import { conveyor } from "./conveyor-cli.js";
import { cliTagged } from "../support/taskmaster-fixtures.js";
import { scratchProject, tasksPath } from "./task-master-cli.js";

it("a resumed run goes on writing statuses back", async () => {
  const project = scratchProject(cliTagged());
  const file = tasksPath(project);
  const status = (id: string) =>
    (JSON.parse(readFileSync(file, "utf8")).master.tasks as { id: string; status: string }[]).find((t) => t.id === id)!.status;
  const dataDir = tempDir();
  const work = tempDir();
  // fails the first time (and leaves a mark), succeeds when run again
  const command = "test -f mark || { touch mark; exit 1; }";
  const first = await conveyor(
    ["run", "--tasks", project, "--select", "3", "--sync-status", "--retries", "0", "--cwd", work, "--command", command],
    dataDir,
  );
  expect(first.code).toBe(1);
  expect(status("3")).toBe("blocked");
  const runId = /^run (\S+):/m.exec(first.stdout)![1]!;
  const resumed = await conveyor(["resume", runId], dataDir);
  expect(resumed.stderr).toBe("");
  expect(resumed.code).toBe(0);
  expect(status("3")).toBe("done");
}, 60_000);
