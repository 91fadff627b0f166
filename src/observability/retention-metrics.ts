// Metrics of background pruning, on the server's registry: what this replica pruned, archived and expired
// and how long its last pass took. Only the replica holding the prune lease counts.
import { Counter, Gauge, type Registry } from "prom-client";
import type { PruneObserver } from "../engine/background-pruner.js";

export function pruneMetrics(registry: Registry): PruneObserver {
  const r = { registers: [registry] };
  const passes = new Counter({
    ...r,
    name: "conveyor_prune_passes_total",
    help: "Pruning passes this replica ran (it held the prune lease)",
  });
  const pruned = new Counter({ ...r, name: "conveyor_runs_pruned_total", help: "Finished runs deleted by background pruning" });
  const archived = new Counter({ ...r, name: "conveyor_runs_archived_total", help: "Finished runs archived by background pruning" });
  const memoExpired = new Counter({
    ...r,
    name: "conveyor_memo_entries_expired_total",
    help: "Memo cache entries removed by their expiry (time to live or most entries)",
  });
  const lastDuration = new Gauge({ ...r, name: "conveyor_prune_last_duration_seconds", help: "How long the last pruning pass took" });
  const lastPass = new Gauge({ ...r, name: "conveyor_prune_last_pass_timestamp_seconds", help: "When the last pruning pass ended" });
  return {
    passed: (report, durationMs) => {
      passes.inc();
      pruned.inc(report.deleted.length);
      archived.inc(report.archived.length);
      lastDuration.set(durationMs / 1000);
      lastPass.set(Date.now() / 1000);
    },
    memoExpired: (expiry) => memoExpired.inc(expiry.expired + expiry.evicted),
  };
}
