// Conveyor and Task Master agree on which tasks are ready, on every owned
// fixture (test/fixtures/taskmaster/); test-corpus/ does the same on the real files.
import { DependencyCycleError, MissingDependencyError, NothingToRunError } from "../../src/core/errors.js";
import { OWNED_FIXTURES } from "../support/taskmaster-fixtures.js";
import { describeReadiness } from "./suites/readiness-suite.js";

describeReadiness(OWNED_FIXTURES, {
  waveExtra: {
    "cli-tagged.json [master]": ["8"],
    "subtask-cycles.json [master]": ["5", "6"],
    "top-level-cycle.json [master]": DependencyCycleError, // 3 <-> 7: Task Master lists neither as ready
    "subtask-cycles.json [test-tag]": MissingDependencyError, // 1 -> 16, which does not exist
    "comma-deps.json [untagged]": MissingDependencyError, // "29.1,29.2" is no id
    "empty-tag.json [someday]": NothingToRunError, // no tasks: nothing to run, not a bad selection
  },
  completedFiles: 3,
  tagArrayFiles: 1,
  untitledTags: 1, // task-without-title.json (a subtask without one, Task Master reads)
});
