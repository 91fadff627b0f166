// The processes of one attempt, found by the environment every task process
// inherits (its run, task and attempt). Needed only when the spawner died
// before reporting a task's pid: nothing else could stop that task, and a
// retry would run beside it. Linux only (/proc); elsewhere nothing is found.
import { readdirSync, readFileSync } from "node:fs";

export function attemptProcesses(marks: Record<string, string>): number[] {
  const wanted = Object.entries(marks).map(([k, v]) => `${k}=${v}`);
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let env: string[];
    try {
      env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    } catch {
      continue; // gone meanwhile, or another user's
    }
    if (wanted.every((w) => env.includes(w))) found.push(pid);
  }
  return found;
}

/** SIGKILL to each process and, where it leads one, its group. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // not a group leader, or already gone
      }
    }
  }
}
