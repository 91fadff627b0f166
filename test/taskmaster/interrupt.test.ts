// Ctrl-C in the middle of a run with write-back: the tasks that were running
// will run again only on `conveyor resume`, so the file gives them back the
// status they had before the run instead of leaving them in-progress.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { parseTaskFile } from "../../src/core/taskmaster/index.js";
import { eventually } from "../support/engine.js";
import { conveyor } from "./conveyor-cli.js";
import { cliTagged } from "../support/taskmaster-fixtures.js";
import { jsonOf, scratchProject, taskMaster, tasksPath } from "./task-master-cli.js";

it("SIGINT puts the interrupted tasks back to their earlier status and exits 130", async () => {
  const original = cliTagged();
  const project = scratchProject(original);
  const file = tasksPath(project);
  const before = new Map(parseTaskFile(original).tasks.map((t) => [t.id, t.status]));
  const statuses = () => new Map(parseTaskFile(readFileSync(file, "utf8")).tasks.map((t) => [t.id, t.status]));
  const inProgress = () => [...statuses()].filter(([id, s]) => s === "in-progress" && before.get(id) !== "in-progress");

  const run = conveyor(["run", "--tasks", project, "--select", "ready", "--sync-status", "--parallel", "4", "--command", "sleep 30"]);
  await eventually(() => inProgress().length > 0, 30_000);
  const interrupted = inProgress().map(([id]) => id);
  run.proc.kill("SIGINT");
  const done = await run;
  expect(done.code).toBe(130);
  expect(done.stderr).toMatch(/interrupted: stopping; run (\S+) stays resumable: conveyor resume \1\n/);

  const after = statuses();
  for (const id of interrupted) expect(after.get(id)).toBe(before.get(id));
  expect(inProgress()).toEqual([]);
  const listed = await taskMaster(project, ["list", "--json"]);
  expect(listed.code).toBe(0);
  const shown = jsonOf<{ tasks: { id: string | number; status: string }[] }>(listed).tasks;
  for (const id of interrupted) expect(shown.find((t) => String(t.id) === id)?.status).toBe(before.get(id));
}, 90_000);
