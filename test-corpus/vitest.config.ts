// The extra suite over the real files the repository does not carry
// (`npm run test:corpus`); `npm test` never reads them.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../", import.meta.url));

export default defineConfig({
  root,
  test: {
    include: ["test-corpus/**/*.test.ts"],
    globalSetup: ["test-corpus/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
