// How the local executor gets a task's shell started: directly from this
// process (directLauncher), or through the spawner process (spawner/spawner.ts),
// which stays small and so forks faster than a Conveyor holding a database.
// Either way the task leads its own process group (spawned detached), with
// stdin closed and stdout and stderr piped back here.

import { spawn } from "node:child_process";
import { processEnvironment } from "../config/environment.js";

export interface LaunchSpec {
  shell: string;
  command: string;
  cwd?: string;
  /** Added to the inherited environment. */
  env: Record<string, string>;
}

/** What a launched task reports, in this order: started?, output…, exit?, then close, startFailed or lost (once). */
export interface LaunchListener {
  /** It runs, leading process group `pid`. */
  started(pid: number): void;
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** The shell exited; something it left behind may still hold its output open. */
  exit(): void;
  /** Exited, and its output is closed. */
  close(code: number | null, signal: NodeJS.Signals | null): void;
  /** It could not be started. */
  startFailed(message: string): void;
  /** Contact was lost while it ran (the spawner died): its fate is unknown. */
  lost(message: string): void;
}

export interface LaunchedProcess {
  /** Stops reading its output, which then closes: for a process that left the group yet holds the pipes. */
  destroyOutput(): void;
}

export interface ProcessLauncher {
  launch(spec: LaunchSpec, listener: LaunchListener): LaunchedProcess;
}

export const directLauncher: ProcessLauncher = {
  launch(spec, listener) {
    const child = startDirect(spec, { ...processEnvironment(), ...spec.env }, listener);
    return {
      destroyOutput: () => {
        child?.stdout?.destroy();
        child?.stderr?.destroy();
      },
    };
  },
};

/**
 * Spawns the task here and reports to `listener`; also the spawner process's
 * own way of starting tasks. `env` is the whole environment.
 */
export function startDirect(spec: LaunchSpec, env: NodeJS.ProcessEnv, listener: Omit<LaunchListener, "lost">) {
  let child;
  try {
    child = spawn(spec.shell, ["-c", spec.command], { cwd: spec.cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    // Synchronous failures: e.g. a NUL byte in the command or environment.
    listener.startFailed((err as Error).message);
    return undefined;
  }
  child.on("error", (err) => {
    // After a successful spawn, errors only concern signalling, which goes through process.kill.
    if (child.pid === undefined) listener.startFailed(err.message);
  });
  if (child.pid === undefined) return child;
  listener.started(child.pid);
  child.stdout.on("data", listener.stdout);
  child.stderr.on("data", listener.stderr);
  child.once("exit", () => listener.exit());
  child.once("close", (code, signal) => listener.close(code, signal));
  return child;
}
