// `prisma generate` does not use the schema engine, but the CLI looks for one and
// tries to download it when absent. Pointing it at any executable keeps the
// install offline; a real engine, when configured, is left alone.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
accessSync(env.PRISMA_SCHEMA_ENGINE_BINARY, constants.X_OK);
const r = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(r.status ?? 1);
