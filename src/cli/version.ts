// The package's version, from its package.json: two folders up from src/cli/
// when run from source, three from dist/src/cli/ when installed.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string; bin?: Record<string, string> };
    // ours is the package whose command is `conveyor` (its npm name is conveyor-runs)
    if (pkg.bin?.conveyor && pkg.version) return pkg.version;
  }
  return "unknown";
}
