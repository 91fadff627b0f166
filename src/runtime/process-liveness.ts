// Whether the process behind a lease still exists, from Linux's /proc. Only a
// process on this host, in this boot, can be proved gone: its pid is free, or
// now names a process that started at another time (a reused pid), or a zombie.
// Anywhere else (another host, no /proc) the answer is "not provably gone".
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { parseOwner, type ProcessIdentity } from "../core/lease-owner.js";
import type { ProcessLiveness } from "../engine/ports.js";

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** State and start time (field 22, in clock ticks since boot) from /proc/<pid>/stat; the name before them may hold spaces and parentheses. */
function processStat(pid: number | "self"): { state: string; startTicks: number } | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const startTicks = Number(fields[19]);
  return Number.isFinite(startTicks) ? { state: fields[0]!, startTicks } : undefined;
}

export class ProcLiveness implements ProcessLiveness {
  readonly self: ProcessIdentity | undefined;

  constructor() {
    const bootId = readText("/proc/sys/kernel/random/boot_id")?.trim();
    const stat = processStat("self");
    this.self = bootId && stat ? { host: hostname(), bootId, pid: process.pid, startTicks: stat.startTicks } : undefined;
  }

  isGone(owner: string): boolean {
    const id = parseOwner(owner);
    const self = this.self;
    if (!id || !self || id.host !== self.host || id.bootId !== self.bootId) return false;
    const now = processStat(id.pid);
    return now === undefined || now.startTicks !== id.startTicks || now.state === "Z" || now.state === "X";
  }
}
