// The write-back's text patch on every real file, and on the two real layouts
// that taught its rules (a subtask without a status; subtask ids as JSON numbers).
import { describe, it } from "vitest";
import { readFixture } from "../test/support/taskmaster-fixtures.js";
import { describePatchEveryFile, expectMissingStatusAdded, expectNumberSubtaskIdKept } from "../test/taskmaster/suites/patch-suite.js";
import { describeCorpus, TASKMASTER_CORPUS, taskmasterCorpusFound } from "./shared.js";

const read = (file: string) => readFixture(file, TASKMASTER_CORPUS);

describeCorpus(taskmasterCorpusFound, "the real Task Master files", () => {
  describePatchEveryFile(TASKMASTER_CORPUS);

  describe("patchStatuses rules", () => {
    it("a missing status is added in the object's own layout (dotted string subtask ids, 1rokoko)", () => {
      expectMissingStatusAdded(read("1rokoko__hotel-boost.json"));
    });

    it("number subtask ids written as 3.1 (brick-chain-blaster)", () => {
      expectNumberSubtaskIdKept(read("BongsooJeong__brick-chain-blaster.json"));
    });
  });
});
