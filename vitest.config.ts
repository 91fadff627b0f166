import { defineConfig } from "vitest/config";
import { LongestFirst } from "./test/support/longest-first.js";
import { TEST_NODE_FLAGS } from "./test/support/node-flags.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // every REST answer a test gets is checked against openapi.json
    setupFiles: ["test/support/rest-contract-hook.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites spawn processes and open databases; two cores.
    maxWorkers: 2,
    execArgv: TEST_NODE_FLAGS,
    sequence: { sequencer: LongestFirst },
  },
});
