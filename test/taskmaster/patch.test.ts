// The write-back's text patch on every owned fixture layout, and the syncer's
// handling of edits made while a run goes on (no CLI: fast).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { topics } from "../../src/engine/topics.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { StatusSync } from "../../src/taskmaster-sync/status-sync.js";
import { tempDir } from "../support/databases.js";
import type { RunEventType } from "../../src/core/events.js";
import { eventOf } from "../support/events.js";
import { cliTagged, OWNED_FIXTURES, readFixture } from "../support/taskmaster-fixtures.js";
import { describePatchEveryFile, expectMissingStatusAdded, expectNumberSubtaskIdKept, NOW, patch } from "./suites/patch-suite.js";

describePatchEveryFile(OWNED_FIXTURES);

describe("patchStatuses rules", () => {
  const cli = cliTagged();

  it("a subtask's change sets its parent the way Task Master does, and counts follow", () => {
    const r = patch(cli, "master", { "5.1": "in-progress" });
    const data = JSON.parse(r.text);
    const five = data.master.tasks[4];
    expect(five.subtasks[0]).toMatchObject({ id: 1, status: "in-progress", updatedAt: NOW });
    expect(five).toMatchObject({ status: "in-progress", updatedAt: NOW });
    const done = patch(cli, "master", { "5.1": "done", "5.2": "done", "5.3": "done", "3": "done" });
    const d = JSON.parse(done.text).master;
    expect(d.tasks[4].status).toBe("done");
    expect(d.metadata).toMatchObject({ taskCount: 8, completedCount: 3, lastModified: NOW, version: "1.0.0" });
    expect(JSON.parse(done.text)["feature-ui"]).toEqual(JSON.parse(cli)["feature-ui"]); // no counts added where there were none
  });

  it("a status someone else changed is reported, not overwritten", () => {
    const r = patch(cli, "master", { "3": "done", "4": "in-progress" }, { "3": "in-progress", "4": "pending" });
    expect(r.conflicts).toEqual([{ id: "3", expected: "in-progress", found: "pending" }]);
    const tasks = JSON.parse(r.text).master.tasks;
    expect(tasks[2].status).toBe("pending");
    expect(tasks[3].status).toBe("in-progress");
  });

  it("ids gone from the file are reported", () => {
    expect(patch(cli, "master", { "42": "done" }).missing).toEqual(["42"]);
  });

  it("a missing status is added in the object's own layout (dotted string subtask ids)", () => {
    expectMissingStatusAdded(readFixture("tagged-missing-status.json"));
  });

  it("number subtask ids written as 3.1", () => {
    expectNumberSubtaskIdKept(readFixture("legacy-float-ids.json"));
  });

  it("keeps a byte-order mark, tabs and CRLF line ends", () => {
    const text =
      '\uFEFF{\r\n\t"tasks": [\r\n\t\t{\r\n\t\t\t"id": 1,\r\n\t\t\t"title": "a",\r\n\t\t\t"status": "pending"\r\n\t\t}\r\n\t]\r\n}\r\n';
    const r = patch(text, undefined, { "1": "done" });
    expect(r.text).toBe(text.replace('"status": "pending"', `"status": "done",\r\n\t\t\t"updatedAt": "${NOW}"`));
  });
});

describe("StatusSync during a run", () => {
  const setup = () => {
    const dir = tempDir("conveyor-sync-");
    const file = join(dir, "tasks.json");
    writeFileSync(file, cliTagged());
    const bus = new MemoryBus();
    const warnings: string[] = [];
    const sync = new StatusSync({ bus, runId: "r", file, tag: "master", warn: (m) => warnings.push(m), now: () => NOW });
    let seq = 0;
    const emit = (type: RunEventType, taskId: string) => {
      bus.publish(topics.runEvents("r"), [eventOf(type, { seq: ++seq, taskId, at: 0 })]);
    };
    const tasks = () => JSON.parse(readFileSync(file, "utf8")).master.tasks as { id: string; status: string; title: string }[];
    return { dir, file, sync, emit, warnings, tasks };
  };

  it("keeps edits made during the run and leaves a task whose status was changed by hand alone", async () => {
    const { file, sync, emit, warnings, tasks } = setup();
    emit("task.started", "3");
    await sync.settled();
    expect(tasks()[2]!.status).toBe("in-progress");
    // the user defers 3 and renames 4 with Task Master's own layout
    const data = JSON.parse(readFileSync(file, "utf8"));
    data.master.tasks[2].status = "deferred";
    data.master.tasks[3].title = "Renamed during the run";
    writeFileSync(file, JSON.stringify(data, null, 2));
    emit("task.succeeded", "3");
    emit("task.started", "4");
    await sync.settled();
    expect(tasks()[2]!.status).toBe("deferred");
    expect(tasks()[3]).toMatchObject({ status: "in-progress", title: "Renamed during the run" });
    // the driver stops while 4 runs: 4 gets its earlier status back, the rename stays
    await sync.close();
    expect(tasks()[3]).toMatchObject({ status: "pending", title: "Renamed during the run" });
    expect(warnings).toEqual([expect.stringContaining('task 3 was changed to "deferred"')]);
  });

  it("waits out a file that is mid-edit (invalid JSON) instead of overwriting it; a cancelled task goes back", async () => {
    const { file, sync, emit, warnings, tasks } = setup();
    const good = readFileSync(file, "utf8");
    writeFileSync(file, good.slice(0, 100));
    emit("task.started", "6");
    await sync.settled();
    expect(readFileSync(file, "utf8")).toBe(good.slice(0, 100));
    writeFileSync(file, good);
    await new Promise((r) => setTimeout(r, 600)); // the retry
    expect(tasks()[5]!.status).toBe("in-progress");
    emit("task.cancelled", "6");
    await sync.close();
    expect(tasks()[5]!.status).toBe("pending");
    expect(warnings).toEqual([]);
  });

  it("names the statuses it could not write when the file stays broken to the end, and leaves the file as it is", async () => {
    const { file, sync, emit, warnings } = setup();
    writeFileSync(file, "{ not json");
    emit("task.started", "6");
    await sync.close();
    expect(readFileSync(file, "utf8")).toBe("{ not json");
    expect(warnings).toEqual([expect.stringMatching(/could not write the status of 6 to .*tasks\.json: .*JSON/)]);
  });

  it("clears temporary files of writers killed mid-write, not those of live ones", async () => {
    const dir = tempDir("conveyor-temps-");
    const file = join(dir, "tasks.json");
    writeFileSync(file, cliTagged());
    const dead = ".tasks.json.conveyor-2147483646-aa.tmp"; // no such process
    const live = `.tasks.json.conveyor-${process.pid}-bb.tmp`;
    for (const name of [dead, live, "other.tmp"]) writeFileSync(join(dir, name), "{");
    await new StatusSync({ bus: new MemoryBus(), runId: "r", file, tag: "master", warn: () => undefined }).close();
    expect(readdirSync(dir).sort()).toEqual([live, "other.tmp", "tasks.json"]);
  });

  it("waits for Task Master's lock on the file", async () => {
    const { file, sync, emit, tasks } = setup();
    mkdirSync(`${file}.lock`);
    emit("task.succeeded", "7");
    await new Promise((r) => setTimeout(r, 150));
    expect(tasks()[6]!.status).toBe("pending");
    rmSync(`${file}.lock`, { recursive: true });
    await sync.close();
    expect(tasks()[6]!.status).toBe("done");
  });
});
