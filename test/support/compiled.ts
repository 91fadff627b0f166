// Whether dist/ holds the current source compiled: every src/**/*.ts has its
// dist/src/**/*.js, written after the source last changed. `npm ci` (the
// prepare script) and `npm run build` leave it so; an edit, a checkout or a
// merge since then does not. Tests that start processes run the compiled code
// when it is current (a process then loads no TypeScript loader: about half the
// CPU of a short command) and the source through tsx otherwise, so they always
// test what is in src/. CONVEYOR_TEST_FROM_SOURCE=1 runs the source regardless.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

let current: boolean | undefined;

export function compiledIsCurrent(): boolean {
  current ??=
    process.env.CONVEYOR_TEST_FROM_SOURCE !== "1" &&
    sources("src").every((src) => {
      const out = join("dist", relative(".", src)).replace(/\.ts$/, ".js");
      return existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs;
    });
  return current;
}
