// Which units a new Workflow takes. The store may lag both ways (the supervisor
// commits in batches and may start a task before its start is written; a resumed
// run's failed, skipped and cancelled tasks still read so): a task the supervisor
// waits for is open whatever the store says, an outcome handed out counts as
// recorded, and a final failure is left alone unless the supervisor asks again.
// Dependents come along when their dependencies do.
import type { StoredUnit } from "../../engine/store.js";
import type { AttemptLedger } from "./attempt-ledger.js";
import { workflowUnits, type WorkflowUnit } from "./workflow-builder.js";

export function runnableUnits(
  units: readonly StoredUnit[],
  ledger: Pick<AttemptLedger, "succeeded" | "covered" | "spent" | "recorded">,
  memoized: (u: StoredUnit) => boolean,
  waiting: ReadonlySet<number>,
): WorkflowUnit[] {
  const done = (u: StoredUnit) =>
    u.state.status === "succeeded" ||
    (u.state.status === "skipped" && u.state.blockedBy === null) ||
    memoized(u) ||
    ledger.succeeded(u.index);
  const open = (u: StoredUnit) =>
    u.kind === "task" &&
    !done(u) &&
    !ledger.covered(u.index) &&
    (waiting.has(u.index) || (u.state.status !== "failed" && !ledger.spent(u.index)));
  const included = new Set<number>();
  return workflowUnits(units, (i) => ledger.recorded(i)).filter((wu) => {
    const ok = open(units[wu.index]!) && wu.deps.every((d) => included.has(d) || done(units[d]!));
    if (ok) included.add(wu.index);
    return ok;
  });
}
