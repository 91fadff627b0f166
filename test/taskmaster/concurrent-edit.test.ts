// Task Master edits the file while a run with write-back is going on: its
// changes stay, and the task whose status it changed is left as it set it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { conveyor } from "./conveyor-cli.js";
import { cliTagged } from "../support/taskmaster-fixtures.js";
import { jsonOf, scratchProject, taskMaster, tasksPath } from "./task-master-cli.js";

it("edits made with task-master during the run are kept", async () => {
  const project = scratchProject(cliTagged());
  const go = join(project, "go");
  const status = (id: string) =>
    (JSON.parse(readFileSync(tasksPath(project), "utf8")).master.tasks as { id: string; status: string }[]).find((t) => t.id === id)
      ?.status;
  // tasks 2 and 3 are ready; both wait for the test to let them finish
  const run = conveyor([
    "run",
    "--tasks",
    project,
    "--select",
    "2,3",
    "--parallel",
    "2",
    "--sync-status",
    "--command",
    `while [ ! -f ${go} ]; do sleep 0.1; done`,
  ]);
  while (status("3") !== "in-progress") {
    if (run.proc.exitCode !== null) throw new Error(`conveyor exited early: ${(await run).stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // the user's edits, one after the other (concurrent task-master calls can lose each other's writes)
  const deferred = await taskMaster(project, ["set-status", "--id=3", "--status=deferred"]);
  const added = await taskMaster(project, ["add-task", "--title", "Added meanwhile", "--description", "during the run"]);
  expect(deferred.code).toBe(0);
  expect(added.code).toBe(0);
  writeFileSync(go, "");
  const r = await run;
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('warning: task 3 was changed to "deferred"');
  expect(existsSync(`${tasksPath(project)}.lock`)).toBe(false);

  const listed = await taskMaster(project, ["list", "--json"]);
  const tasks = jsonOf<{ tasks: { id: string; title: string; status: string }[] }>(listed).tasks;
  expect(tasks.find((t) => t.id === "2")!.status).toBe("done");
  expect(tasks.find((t) => t.id === "3")!.status).toBe("deferred");
  expect(tasks.find((t) => t.id === "9")).toMatchObject({ title: "Added meanwhile", status: "pending" });
}, 180_000);
