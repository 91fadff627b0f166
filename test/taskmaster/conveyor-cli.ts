// The conveyor command as a child process on its own embedded store.
import { spawn, type ChildProcess } from "node:child_process";
import { tempDir } from "../support/databases.js";

export interface ConveyorRun extends Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  proc: ChildProcess;
}

export function conveyor(args: string[], dataDir = tempDir()): ConveyorRun {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", ...args], {
    env: { ...process.env, CONVEYOR_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  proc.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(done, { proc }) as ConveyorRun;
}
