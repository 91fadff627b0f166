// The one start request GraphQL, REST and the CLI all convert through: the same
// request resolves to the same run input whichever client made it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidOptionError, NothingToRunError } from "../../src/core/errors.js";
import { startInputFor, startRunInput, startSource } from "../../src/taskmaster-sync/start-request.js";

const tasks = [
  { id: 1, title: "done already", status: "done", dependencies: [] },
  { id: 2, title: "ready", status: "pending", dependencies: [1] },
  { id: 3, title: "waits for 2", status: "pending", dependencies: [2] },
  { id: 4, title: "in review", status: "review", dependencies: [] },
];

function tasksFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "conveyor-start-")), "tasks.json");
  writeFileSync(file, JSON.stringify({ master: { tasks } }));
  return file;
}

describe("the start request", () => {
  it("reads a tasks file, or inline tasks, or the server's default file", () => {
    const file = tasksFile();
    expect(startSource({ tasksFile: file }, undefined).tasks.map((t) => t.id)).toEqual(["1", "2", "3", "4"]);
    expect(startSource({}, file).origin).toBe(file);
    expect(startSource({ inline: [{ id: 7, title: "x" }] }, undefined).tasks.map((t) => t.id)).toEqual(["7"]);
  });

  it("names the field at fault", () => {
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof InvalidOptionError ? err.field : `not an option error: ${String(err)}`;
      }
      return "no error";
    };
    expect(field(() => startSource({}, undefined))).toBe("source");
    expect(field(() => startSource({ tasksFile: "x", inline: [] }, undefined))).toBe("source");
    expect(field(() => startSource({ inline: { id: 1 } }, undefined))).toBe("inline");
    expect(field(() => startSource({ tasksFile: join(tmpdir(), "no-such-project-here") }, undefined))).toBe("tasksFile");
    const source = startSource({ tasksFile: tasksFile() }, undefined);
    expect(field(() => startInputFor({ selection: "2", taskIds: [2] }, source))).toBe("selection");
  });

  it("takes ranges, id lists and Task Master's words alike", () => {
    const source = startSource({ tasksFile: tasksFile() }, undefined);
    expect(startInputFor({ selection: "2-3" }, source).selection).toEqual(["2", "3"]);
    expect(startInputFor({ taskIds: [3, "2"] }, source).selection).toEqual(["3", "2"]);
    const ready = startInputFor({ selection: "ready" }, source);
    expect(ready.selection).toEqual(["2", "4"]); // Task Master counts a task in review as workable
    // a ready task's dependencies come along, so cancelled ones count as satisfied in the run
    expect(ready.options).toMatchObject({ withDependencies: true });
    expect(startInputFor({ selection: "all" }, source).selection).toBeUndefined();
    const review = startInputFor({ statuses: ["review"], options: { maxParallel: 2 } }, source);
    expect(review.selection).toEqual(["4"]);
    expect(review.selectionText).toBe("status:review");
    expect(review.options).toEqual({ maxParallel: 2 });
  });

  it("says when a selection leaves nothing to run", () => {
    expect(() => startRunInput({ inline: [{ id: 1, title: "x", status: "done" }], selection: "ready" }, undefined)).toThrow(
      NothingToRunError,
    );
    expect(() => startRunInput({ tasksFile: tasksFile(), statuses: ["blocked"] }, undefined)).toThrow(NothingToRunError);
  });
});
