// The write-back's text patch on every file of a corpus: one status changes,
// every other byte stays.
import { describe, expect, it } from "vitest";
import { parseTaskFile } from "../../../src/core/taskmaster/index.js";
import { patchStatuses } from "../../../src/taskmaster-sync/patch.js";
import { fixtureFiles, readFixture } from "../../support/taskmaster-fixtures.js";

export const NOW = "2030-01-02T03:04:05.000Z";

/** The text with every status value, updatedAt member and metadata value blanked: what must not change. */
export const neutral = (text: string): string =>
  text
    .replace(/,\s*"updatedAt"\s*:\s*"[^"]*"/g, "")
    .replace(/"status"\s*:\s*"[^"]*"/g, '"status":_')
    .replace(/"(lastModified|taskCount|completedCount)"\s*:\s*("[^"]*"|\d+)/g, '"$1":_');

export const patch = (text: string, tag: string | undefined, wanted: Record<string, string>, expected: Record<string, string> = {}) =>
  patchStatuses({ text, tag, wanted: new Map(Object.entries(wanted)), expected: new Map(Object.entries(expected)), now: NOW });

export function describePatchEveryFile(dir: string): void {
  describe("patchStatuses on every file", () => {
    it.each(fixtureFiles(dir))("%s: one status changes, every other byte stays", (file) => {
      const text = readFixture(file, dir);
      const source = parseTaskFile(text, { file });
      const task = source.tasks.find((t) => t.status !== "done") ?? source.tasks[0]!;
      const to = task.status === "in-progress" ? "review" : "in-progress";
      const r = patch(text, source.tag, { [task.id]: to });
      expect(r.conflicts).toEqual([]);
      expect(r.written.get(task.id)).toBe(to);
      expect(neutral(r.text)).toBe(neutral(text));
      const after = parseTaskFile(r.text, { file, ...(source.tag ? { tag: source.tag } : {}) });
      expect(after.tasks.map((t) => (t.id === task.id ? { ...t, status: task.status } : t))).toEqual(source.tasks);
      expect(after.tasks.find((t) => t.id === task.id)!.status).toBe(to);
    });
  });
}

/** The first subtask without a status (a dotted string id) gets one, in the object's own layout, and nothing else changes. */
export function expectMissingStatusAdded(text: string): void {
  const raw = JSON.parse(text).master.tasks as { id: number; subtasks: Record<string, unknown>[] }[];
  const parent = raw.find((t) => t.subtasks.some((s) => !("status" in s)))!;
  const sub = parent.subtasks.find((s) => !("status" in s))!;
  expect(sub.id).toMatch(/^\d+\.\d+$/);
  const r = patch(text, "master", { [sub.id as string]: "done" });
  const after = JSON.parse(r.text).master.tasks.find((t: { id: number }) => t.id === parent.id);
  const patched = after.subtasks.find((s: { id: string }) => s.id === sub.id);
  expect(patched).toEqual({ ...sub, status: "done", updatedAt: NOW });
  expect(Object.keys(patched).slice(-2)).toEqual(["status", "updatedAt"]);
  expect(neutral(r.text.replace(/,\s*"status": "done"/, ""))).toBe(neutral(text));
}

/** Subtask 3.1, written as a JSON number, is patched and keeps its number form. */
export function expectNumberSubtaskIdKept(text: string): void {
  const r = patch(text, undefined, { "3.1": "review" });
  expect(r.written.get("3.1")).toBe("review");
  expect(r.text).toMatch(/"id": 3\.1,/);
}
