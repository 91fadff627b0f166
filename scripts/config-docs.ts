// npm run docs:config: rewrites the settings table of docs/configuration.md from
// the schema in src/config/settings.ts (test/config/docs.test.ts checks it is current).
import { readFileSync, writeFileSync } from "node:fs";
import { withSettingsTable } from "../src/config/docs-table.js";

const file = new URL("../docs/configuration.md", import.meta.url);
const before = readFileSync(file, "utf8");
const after = withSettingsTable(before);
if (after !== before) writeFileSync(file, after);
process.stdout.write(after === before ? "docs/configuration.md is current\n" : "docs/configuration.md: settings table rewritten\n");
