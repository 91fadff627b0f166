// The real Task Master CLI (task-master-ai, pinned in devDependencies) as the
// judge. Each call costs ~3 s of CPU just to load, so calls are few, run in
// parallel up to a small limit, and projects are reused.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "../support/databases.js";

const BIN = resolve("node_modules/task-master-ai/dist/task-master.js");
const LIMIT = 2;
let running = 0;
const waiting: (() => void)[] = [];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A scratch Task Master project holding `tasks` as .taskmaster/tasks/tasks.json.
 * state.json starts with the flag the CLI sets after its first run in a new
 * project (which otherwise appends a notice to its JSON): the same as running it twice.
 * config.json turns the CLI's anonymous telemetry off (settings the file leaves out
 * keep their defaults): it would report every call of the tests to Sentry, and its
 * instrumentation of every module loaded costs ~20 % of a call's CPU. The CLI says
 * so in a line of its own before its output.
 */
export function scratchProject(tasks: string, state: Record<string, unknown> = {}): string {
  const dir = tempDir("conveyor-tm-");
  mkdirSync(join(dir, ".taskmaster", "tasks"), { recursive: true });
  writeFileSync(join(dir, ".taskmaster", "tasks", "tasks.json"), tasks);
  writeFileSync(join(dir, ".taskmaster", "state.json"), JSON.stringify({ migrationNoticeShown: true, ...state }));
  writeFileSync(join(dir, ".taskmaster", "config.json"), JSON.stringify({ global: { anonymousTelemetry: false } }));
  return dir;
}

export const tasksPath = (project: string) => join(project, ".taskmaster", "tasks", "tasks.json");

export async function taskMaster(project: string, args: string[]): Promise<CliResult> {
  if (running >= LIMIT) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await new Promise<CliResult>((done, fail) => {
      const proc = spawn(process.execPath, [BIN, ...args], {
        cwd: project,
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      proc.on("error", fail);
      proc.on("exit", (code) => done({ code, stdout, stderr }));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** The JSON document a `--json` command printed (from its first line that opens one). */
export function jsonOf<T>(r: CliResult): T {
  const start = r.stdout.search(/^[{[]/m);
  if (start < 0) throw new Error(`no JSON in task-master output (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.slice(start)) as T;
}

/** `validate-dependencies` exits 0 either way: its findings are "[ERROR]   [KIND] Task <id>: ..." lines. */
export function validationIssues(r: CliResult): { kind: string; id: string }[] {
  return [...r.stdout.matchAll(/\[ERROR\]\s+\[(\w+)\] Task (\S+):/g)].map((m) => ({ kind: m[1]!, id: m[2]! }));
}
