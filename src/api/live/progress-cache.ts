// Progress is costly: for a run this process does not drive, all its units are
// read and the rest of the run is simulated; for one it drives, the simulation
// still runs per call. Every client asking about the same run at the same time
// gets the same answer: computed once per run and version, shared by concurrent
// askers, reused for `ttlMs` while the run moves (ETA and elapsed times age),
// and until the run changes when nobody drives it.
import { RunNotFoundError } from "../../core/errors.js";
import type { Progress } from "../../core/progress.js";
import type { Engine } from "../../engine/engine.js";
import type { RunRecord } from "../../engine/store.js";

interface Entry {
  version: string;
  at: number;
  value: Promise<Progress>;
}

export class ProgressCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly engine: Engine,
    private readonly ttlMs = 200,
    private readonly maxRuns = 1_000,
  ) {}

  /** `known`: the run's record when the caller has just read it. */
  async get(runId: string, known?: RunRecord): Promise<Progress> {
    let version = "live";
    let still = false;
    if (!this.engine.isActive(runId)) {
      const run = known ?? (await this.engine.store.getRun(runId));
      if (!run) throw new RunNotFoundError(runId);
      version = `${run.lastSeq}:${run.status}:${run.updatedAt}:${run.leaseOwner}`;
      still = run.leaseOwner === null; // nothing changes until someone acts, which changes the version
    }
    const hit = this.entries.get(runId);
    if (hit && hit.version === version && (still || Date.now() - hit.at < this.ttlMs)) return hit.value;
    const value = this.engine.progress(runId);
    this.entries.delete(runId); // re-inserted last: the map's order is the eviction order
    this.entries.set(runId, { version, at: Date.now(), value });
    value.catch(() => this.entries.delete(runId));
    if (this.entries.size > this.maxRuns) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
