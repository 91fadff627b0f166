// Who holds a run's lease, as written in the lease: the host, the boot of that
// host, the process id and the process's start time, then a random suffix that
// tells apart two engines of one process. A pid alone says nothing once the
// process is gone (pids are reused, and another host has the same ones); with
// the host, its boot and the start time, "that process no longer exists" can be
// proved on the same machine. Example: "build-7:4242:1a2b3c4d@0e5b...c1/987654".

export interface ProcessIdentity {
  host: string;
  /** The kernel's boot id: pids and start times only mean something within one boot. */
  bootId: string;
  pid: number;
  /** When the process started, in the kernel's ticks since boot. */
  startTicks: number;
}

export function formatOwner(id: ProcessIdentity, suffix: string): string {
  return `${id.host}:${id.pid}:${suffix}@${id.bootId}/${id.startTicks}`;
}

const OWNER = /^(.+):(\d+):([^:@/]+)@([0-9a-fA-F-]+)\/(\d+)$/;

/** The process behind an owner string; undefined for one without a process identity (an older or hand-picked owner). */
export function parseOwner(owner: string): ProcessIdentity | undefined {
  const m = OWNER.exec(owner);
  if (!m) return undefined;
  return { host: m[1]!, pid: Number(m[2]), bootId: m[4]!, startTicks: Number(m[5]) };
}

/** The short form for messages: host and pid. */
export function ownerLabel(owner: string): string {
  const id = parseOwner(owner);
  return id ? `${id.host} pid ${id.pid}` : owner;
}
