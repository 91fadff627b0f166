// Lint: typescript-eslint's recommended rules over src, test and bench. The
// architecture's arrows and cycles are dependency-cruiser's (.dependency-cruiser.cjs).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const ENV_MESSAGE =
  "read settings from the typed settings passed down from src/config (add a setting in src/config/settings.ts); a child's environment comes from processEnvironment()";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "src/storage/generated/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { process: "readonly", console: "readonly" } },
    rules: {
      // `_`-prefixed names are deliberately unused (a callback's position, a discarded tuple part)
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // settings come from src/config (parsed once, typed, checked); only it reads the environment.
    // Tests and the benchmark may still set and pass environments to the processes they start.
    files: ["src/**/*.ts"],
    ignores: ["src/config.ts", "src/config/**"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: ENV_MESSAGE }],
      "no-restricted-imports": [
        "error",
        { paths: ["process", "node:process"].map((name) => ({ name, importNames: ["env"], message: ENV_MESSAGE })) },
      ],
    },
  },
  {
    // tests and the benchmark read untyped JSON answers; `any` there names that, src has none
    files: ["test/**", "test-corpus/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
