// kill -9 in the middle of a run with write-back: the tasks file is still
// valid JSON that Task Master reads, holding only statuses Conveyor reported.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { parseTaskFile } from "../../src/core/taskmaster/index.js";
import { largeTagged } from "../support/taskmaster-fixtures.js";
import { conveyor } from "./conveyor-cli.js";
import { jsonOf, scratchProject, taskMaster, tasksPath } from "./task-master-cli.js";

it("SIGKILL during write-back leaves a file Task Master reads", async () => {
  // 130 tasks, ~470 kB like the largest real files: every write-back rewrites the whole file
  const original = largeTagged(130);
  const project = scratchProject(original);
  const before = new Map(parseTaskFile(original).tasks.map((t) => [t.id, t.status]));
  const run = conveyor(["run", "--tasks", project, "--select", "all", "--sync-status", "--parallel", "8", "--command", "sleep 0.05"]);
  let stdout = "";
  await new Promise<void>((killed) => {
    run.proc.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      if ((stdout.match(/task\.succeeded/g) ?? []).length >= 20 && run.proc.kill("SIGKILL")) killed();
    });
  });
  expect((await run).signal).toBe("SIGKILL");

  const text = readFileSync(tasksPath(project), "utf8");
  const after = parseTaskFile(text); // valid JSON, still a Task Master file
  const reported = new Set([...stdout.matchAll(/task\.(?:started|succeeded) (\S+)/g)].map((m) => m[1]!));
  const changed = after.tasks.filter((t) => t.status !== before.get(t.id));
  expect(changed.length).toBeGreaterThan(0); // killed midway, not before the first write
  for (const t of changed) {
    expect(reported).toContain(t.id);
    expect(["in-progress", "done"]).toContain(t.status);
  }

  const listed = await taskMaster(project, ["list", "--json"]);
  expect(listed.code).toBe(0);
  const tasks = jsonOf<{ tasks: { id: string; status: string }[] }>(listed).tasks;
  expect(tasks).toHaveLength(130);
  expect(new Map(tasks.map((t) => [String(t.id), t.status]))).toEqual(new Map(after.tasks.map((t) => [t.id, t.status])));
}, 120_000);
