// Conveyor as a user installs it: the tarball `npm pack` makes, installed into a
// project of its own, run from another folder, and imported by an embedder.
// Slow (an npm install from the local cache), so everything shares one install.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/databases.js";

const repo = resolve(".");
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { name: string; version: string };
const work = tempDir();
const consumer = join(work, "consumer");
const elsewhere = join(work, "elsewhere");
let files: string[] = [];

/** The environment of a user who set nothing of Conveyor's: the store is ./.conveyor. */
const userEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CONVEYOR_|DATABASE_URL$|REDIS_URL$)/.test(k)));

const bin = () => join(consumer, "node_modules", ".bin", "conveyor");
/** spawnSync's result, without blocking: the demo's run (mostly its tasks' sleeps) and the example's compile go on side by side. */
const spawnAsync = (command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const proc = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.on("error", reject);
    proc.on("close", (status) => resolve({ status, stdout, stderr }));
  });
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd, encoding: "utf8" });

beforeAll(() => {
  // dist/ is built by `npm ci` (the prepare script); packing must not rebuild it under the test
  const packed = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", work], repo)) as {
    filename: string;
    files: { path: string }[];
  }[];
  files = packed[0]!.files.map((f) => f.path);
  mkdirSync(consumer);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  npm(["install", join(work, packed[0]!.filename)], consumer);
  cpSync("examples/demo", elsewhere, { recursive: true });
}, 300_000);

describe(`the ${pkg.name} package`, () => {
  it("ships the compiled code, its migrations and docs, and no tests or benchmark", () => {
    expect(files).toContain("bin/conveyor.js");
    expect(files).toContain("dist/src/index.js");
    expect(files).toContain("dist/src/index.d.ts");
    // a new embedded store starts from the prepared data folder instead of running initdb
    expect(files).toContain("dist/pglite-seed.tar.gz");
    expect(files).toContain("dist/pglite-seed.json");
    expect(files.some((f) => f.startsWith("prisma/migrations/") && f.endsWith("migration.sql"))).toBe(true);
    // the dashboard, bundled: its source stays out
    expect(files).toEqual(expect.arrayContaining(["dist/web/index.html", "dist/web/assets/app.js", "dist/web/assets/app.css"]));
    expect(files.filter((f) => /^(test|bench|src|web|dist\/bench)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
  });

  it("prints its version from any folder", () => {
    const r = spawnSync(bin(), ["--version"], { cwd: elsewhere, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it.concurrent(
    "runs the demo project from another folder on the embedded store",
    async ({ expect }) => {
      const r = await spawnAsync(
        bin(),
        ["run", "--tasks", ".", "--parallel", "4", "--command", "./do-task.sh {id}", "--retry-delay", "50ms"],
        {
          cwd: elsewhere,
          env: userEnv(),
        },
      );
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/succeeded in .*: 10 succeeded, 0 failed, 0 skipped/);
    },
    120_000,
  );

  it.concurrent(
    "serves embedders through its package entry: the README's example compiles and runs",
    async ({ expect }) => {
      const readme = readFileSync("README.md", "utf8");
      const example = /## Library use[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
      writeFileSync(join(consumer, "example.ts"), example);
      writeFileSync(
        join(consumer, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            noEmit: false,
            outDir: "out",
            types: [],
            skipLibCheck: true,
          },
          files: ["example.ts"],
        }),
      );
      const tsc = await spawnAsync(process.execPath, [join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", "."], {
        cwd: consumer,
      });
      expect(tsc.stdout + tsc.stderr).toBe("");
      const run = await spawnAsync(process.execPath, ["out/example.js"], {
        cwd: consumer,
        env: { ...userEnv(), CONVEYOR_DATA_DIR: join(work, "embedded") },
      });
      expect(run.stderr).toBe("");
      expect(run.stdout.trim()).toBe("succeeded");
    },
    120_000,
  );

  it("serves the dashboard from the installed package: the page and its assets, nothing else needed", async () => {
    // a store of its own: the tests above run at the same time and hold ./.conveyor
    const server = spawn(bin(), ["serve", "--port", "0"], {
      cwd: elsewhere,
      env: { ...userEnv(), CONVEYOR_DATA_DIR: join(elsewhere, ".conveyor-serve") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        const onData = (d: Buffer) => {
          out += d.toString();
          const m = /conveyor API on (http:\/\/[^\s]+)\/graphql/.exec(out);
          if (m) resolve(m[1]!);
        };
        server.stdout!.on("data", onData);
        server.stderr!.on("data", onData);
        server.on("exit", () => reject(new Error(`serve exited:\n${out}`)));
      });
      const page = await fetch(`${url}/runs/some-run`);
      expect([page.status, page.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
      const html = await page.text();
      for (const asset of [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!)) {
        expect([asset, (await fetch(`${url}${asset}`)).status]).toEqual([asset, 200]);
      }
      expect(html).toContain("/assets/app.js");
    } finally {
      server.kill("SIGKILL");
    }
  }, 120_000);
});
