// What a run is, as users see it. The stored status says what the last driver
// recorded; a run it left "running" or "pending" and no longer drives (its
// lease expired, or its process is provably gone) is "interrupted": nothing
// runs, nothing will until someone resumes it. Derived at read time, never
// stored, so it cannot disagree with the lease.
import { RUN_STATUSES, type RunStatus } from "./status.js";

export const RUN_STATES = [...RUN_STATUSES, "interrupted"] as const;
export type RunState = RunStatus | "interrupted";

export interface LeasedRunStatus {
  status: RunStatus;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
}

/** `driverGone`: the lease's owner is provably gone (the caller checked). */
export function runState(run: LeasedRunStatus, now: number, driverGone: boolean): RunState {
  if (run.status !== "running" && run.status !== "pending") return run.status;
  const leaseLive = run.leaseOwner !== null && run.leaseExpiresAt !== null && run.leaseExpiresAt > now;
  return leaseLive && !driverGone ? run.status : "interrupted";
}

/** The stored statuses a state filter reads (interrupted runs are stored as running or pending). */
export function storedStatusesFor(states: readonly RunState[]): RunStatus[] {
  const out = new Set<RunStatus>();
  for (const s of states) {
    if (s === "interrupted") {
      out.add("running");
      out.add("pending");
    } else out.add(s);
  }
  return [...out];
}
