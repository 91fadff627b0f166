// For the local executor suites: a task attempt request, and whether the processes a test started are still there.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { ExecutionRequest } from "../../src/engine/executor.js";

export function request(overrides: Partial<ExecutionRequest> = {}): ExecutionRequest {
  return {
    runId: "run-1",
    taskId: "7",
    title: "Build it",
    definition: { id: "7", title: "Build it", details: "quote ' and \" and $HOME" },
    attempt: 2,
    signal: new AbortController().signal,
    ...overrides,
  };
}

/**
 * Whether a process still runs. A zombie counts as gone: it is dead, and in a
 * container whose init does not reap, it stays visible to kill(pid, 0).
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

/** Gives the kernel a moment to deliver the signal to the orphan. */
export async function expectGone(pid: number): Promise<void> {
  for (let i = 0; i < 20 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 10));
  expect(isRunning(pid)).toBe(false);
}
