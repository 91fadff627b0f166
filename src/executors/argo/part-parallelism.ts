// Pure: how a split run's maxParallel is shared by its Workflows. A part's
// tasks not settled yet bound the pods it can still run, so the next part may
// start beside it with the rest, and get more as the older part settles. The
// run never exceeds maxParallel, and pods do not idle while a part's last
// tasks run. At most two parts at a time, so ready tasks gather into few Workflows.

export interface PartLoad {
  name: string;
  /** spec.parallelism as last set. */
  parallelism: number;
  /** DAG tasks not settled yet. */
  unsettled: number;
}

/** The parallelism a new part may have beside the active ones (oldest first); 0 when it must wait. */
export function roomForNext(active: readonly PartLoad[], maxParallel: number): number {
  if (active.length === 0) return maxParallel;
  return active.length === 1 ? Math.max(0, maxParallel - active[0]!.unsettled) : 0;
}

/** Parts (oldest first) that may run more pods now than their parallelism allows, with the new value. */
export function raises(active: readonly PartLoad[], maxParallel: number): { name: string; parallelism: number }[] {
  const out: { name: string; parallelism: number }[] = [];
  let older = 0;
  for (const p of active) {
    const share = Math.max(1, maxParallel - older);
    if (share > p.parallelism) out.push({ name: p.name, parallelism: share });
    older += p.unsettled;
  }
  return out;
}
