// The real Task Master CLI (task-master-ai, pinned in devDependencies) as the
// judge. A CLI start costs ~5 s of CPU in module loading alone, so a test file's
// calls go to one process that loads it once and runs each command as the
// entry would (tm-server.mjs), one at a time, in the project's folder.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "../support/databases.js";

const SERVER = resolve("test/taskmaster/tm-server.mjs");

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

interface Waiting {
  done(r: CliResult): void;
  fail(e: Error): void;
}
let server: { proc: ChildProcessWithoutNullStreams; pending: Map<number, Waiting>; gone: boolean } | undefined;
let nextId = 1;

function theServer() {
  if (server && !server.gone) return server;
  const proc = spawn(process.execPath, [SERVER], {
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const s: NonNullable<typeof server> = { proc, pending: new Map(), gone: false };
  let buf = "";
  let stderr = "";
  proc.stdout.on("data", (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const msg = JSON.parse(buf.slice(0, i)) as { id: number } & CliResult;
      buf = buf.slice(i + 1);
      s.pending.get(msg.id)?.done({ code: msg.code, stdout: msg.stdout, stderr: msg.stderr });
      s.pending.delete(msg.id);
    }
  });
  proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  proc.on("exit", (code) => {
    s.gone = true;
    const failure = new Error(`tm-server.mjs exited (${code}) with ${s.pending.size} commands unanswered:\n${stderr}`);
    for (const waiting of s.pending.values()) waiting.fail(failure);
    s.pending.clear();
  });
  // it ends by itself when this test file's process does (its stdin closes) or after a minute idle
  proc.unref();
  for (const stream of [proc.stdin, proc.stdout, proc.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  return (server = s);
}

/** `task-master <args>` run in `project`, as the CLI runs it. */
export function taskMaster(project: string, args: string[]): Promise<CliResult> {
  const s = theServer();
  const id = nextId++;
  return new Promise<CliResult>((done, fail) => {
    s.pending.set(id, { done, fail });
    s.proc.stdin.write(JSON.stringify({ id, cwd: project, args }) + "\n");
  });
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
