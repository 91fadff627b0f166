// The write-back's text patch on every real file, and on the two real layouts
// that taught its rules (a subtask without a status; subtask ids as JSON numbers).
import { describe, expect, it } from "vitest";
import { readFixture } from "../test/support/taskmaster-fixtures.js";
import { describePatchEveryFile, neutral, NOW, patch } from "../test/taskmaster/suites/patch-suite.js";
import { describeCorpus, TASKMASTER_CORPUS, taskmasterCorpusFound } from "./shared.js";

const read = (file: string) => readFixture(file, TASKMASTER_CORPUS);

describeCorpus(taskmasterCorpusFound, "the real Task Master files", () => {
  describePatchEveryFile(TASKMASTER_CORPUS);

  describe("patchStatuses rules", () => {
    it("a missing status is added in the object's own layout (dotted string subtask ids, 1rokoko)", () => {
      const text = read("1rokoko__hotel-boost.json");
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
    });

    it("number subtask ids written as 3.1 (brick-chain-blaster)", () => {
      const text = read("BongsooJeong__brick-chain-blaster.json");
      const r = patch(text, undefined, { "3.1": "review" });
      expect(r.written.get("3.1")).toBe("review");
      expect(r.text).toMatch(/"id": 3\.1,/);
    });
  });
});
