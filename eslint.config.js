// Lint: typescript-eslint's recommended rules over src, test and bench. The
// architecture's arrows and cycles are dependency-cruiser's (.dependency-cruiser.cjs).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "src/storage/generated/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { process: "readonly", console: "readonly" } },
    rules: {
      // `_`-prefixed names are deliberately unused (a callback's position, a discarded tuple part)
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
    },
  },
  {
    // tests and the benchmark read untyped JSON answers; `any` there names that, src has none
    files: ["test/**", "test-corpus/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
