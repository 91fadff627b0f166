// startRun's syncStatus option: a run started through the API writes task
// statuses back into the Task Master file it read, as `conveyor run --sync-status` does.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eventually } from "../support/engine.js";
import { cliTagged } from "../support/taskmaster-fixtures.js";
import { scratchProject, tasksPath } from "../taskmaster/task-master-cli.js";
import { START, startTestServer, type TestServer } from "./support/server.js";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("pglite");
});
afterAll(() => s.close());

it("writes statuses back when asked, and leaves the file alone when not", async () => {
  const project = scratchProject(cliTagged());
  const file = tasksPath(project);
  const status = (id: string) =>
    (JSON.parse(readFileSync(file, "utf8")).master.tasks as { id: string; status: string }[]).find((t) => t.id === id)!.status;
  expect(status("3")).toBe("pending");

  const plain = await s.gql(START, { input: { tasksFile: project, selection: "3", options: { executor: "fn", force: true } } });
  await s.app.engine.waitForRun(plain.body.data.startRun.run.id);
  expect(status("3")).toBe("pending");

  const synced = await s.gql(START, {
    input: { tasksFile: project, selection: "3", options: { executor: "fn", force: true, syncStatus: true } },
  });
  expect(synced.body.data.startRun.__typename).toBe("StartRunPayload");
  await s.app.engine.waitForRun(synced.body.data.startRun.run.id);
  await eventually(() => status("3") === "done", 5_000);
});

it("keeps writing statuses when the run is resumed through the API", async () => {
  const project = scratchProject(cliTagged());
  const file = tasksPath(project);
  const status = (id: string) =>
    (JSON.parse(readFileSync(file, "utf8")).master.tasks as { id: string; status: string }[]).find((t) => t.id === id)!.status;
  s.tasks.set("3", () => {
    throw new Error("not yet");
  });
  const options = { executor: "fn", force: true, syncStatus: true, retry: { retryLimit: 0 } };
  const started = await s.gql(START, { input: { tasksFile: project, selection: "3", options } });
  const runId = started.body.data.startRun.run.id as string;
  expect((await s.app.engine.waitForRun(runId)).status).toBe("failed");
  await eventually(() => status("3") === "blocked", 5_000);

  s.tasks.delete("3");
  const resumed = await s.gql(`mutation { resumeRun(runId: "${runId}") { __typename } }`);
  expect(resumed.body.data.resumeRun.__typename).toBe("RunPayload");
  expect((await s.app.engine.waitForRun(runId)).status).toBe("succeeded");
  await eventually(() => status("3") === "done", 5_000);
});
