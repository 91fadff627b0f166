// What happens to a run's unsettled units depends on why a supervisor drives it.
import type { UnitState } from "../core/scheduler.js";
import type { TaskStatus } from "../core/status.js";
import type { StoredUnit } from "./store.js";

/**
 * How the supervisor came to drive the run; decides what happens to unsettled
 * units. "resume" runs failed and cancelled units again; "recover" (after a
 * crash) and "amend" (a by-hand change to one task) keep them as recorded.
 */
export type DriveMode = "start" | "resume" | "recover" | "amend";

/** The state a unit is driven from, given its stored row (or a checkpoint's status for it). */
export function initialState(u: StoredUnit, mode: DriveMode, override: TaskStatus | undefined): UnitState {
  const s = override ?? u.state.status;
  // whatever was running when the last driver stopped runs again (at least once)
  if (s === "running" || s === "retrying") return { status: "pending" };
  if (mode === "resume") {
    if (s === "failed" || s === "cancelled") return { status: "pending" };
    if (s === "skipped" && u.state.blockedBy !== null) return { status: "pending" };
  }
  if (override !== undefined && s !== u.state.status) return { status: s };
  return { status: s, blockedBy: u.state.blockedBy };
}
