// Conveyor and Task Master agree on which tasks are ready, on every real file.
import { describe } from "vitest";
import { DependencyCycleError, MissingDependencyError } from "../src/core/errors.js";
import { describeReadiness } from "../test/taskmaster/suites/readiness-suite.js";
import { describeCorpus, TASKMASTER_CORPUS, taskmasterCorpusFound } from "./shared.js";

describeCorpus(taskmasterCorpusFound, "the real Task Master files", () => {
  describe("readiness", () => {
    describeReadiness(TASKMASTER_CORPUS, {
      waveExtra: {
        "BretMeraki__forest-front-end-forge.json [untagged]": ["23", "24"],
        "eyaltoledano__claude-task-master.json [master]": ["32", "36"],
        "task-master-cli-0.43.1.json [master]": ["8"],
        "AlexCodeForge__cproject.json [master]": DependencyCycleError, // 5 <-> 16: Task Master lists neither as ready
        "eyaltoledano__claude-task-master.json [test-tag]": MissingDependencyError, // 1 -> 16, which does not exist
      },
      completedFiles: 3,
      tagArrayFiles: 1,
      untitledTags: 0,
    });
  });
});
