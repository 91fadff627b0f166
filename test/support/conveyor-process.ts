// The conveyor command as a child process, the way a user runs it.
import { spawn, type ChildProcess } from "node:child_process";
import { compiledIsCurrent } from "./compiled.js";
import { TEST_NODE_FLAGS } from "./node-flags.js";

/** From source through tsx; `["bin/conveyor.js"]` runs the compiled code npm ci builds. */
export const FROM_SOURCE = ["--import", "tsx", "src/cli/bin.ts"];
/** The compiled code npm ci builds (its prepare script), as installed. */
export const AS_INSTALLED = ["bin/conveyor.js"];
/** What is in src/: compiled when dist/ is current (test/support/compiled.ts), else from source. */
export const CURRENT_CODE = compiledIsCurrent() ? AS_INSTALLED : FROM_SOURCE;

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Resolves when the process exits; meanwhile its output so far can be read. */
export type ConveyorProcess = Promise<Finished> & { proc: ChildProcess; stdoutSoFar(): string };

export function runConveyor(args: string[], env: Record<string, string> = {}, entry = CURRENT_CODE): ConveyorProcess {
  const proc = spawn(process.execPath, [...TEST_NODE_FLAGS, ...entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  proc.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(done, { proc, stdoutSoFar: () => stdout });
}
