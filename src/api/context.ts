// What every resolver gets: the services, who is asking, and per-request caches.
import type { RunService } from "./run-service.js";
import type { Principal } from "./auth/principal.js";
import type { StoredUnit } from "../engine/store.js";

export interface ApiContext {
  runs: RunService;
  principal: Principal;
  requestId: string;
  /** Units of a run, loaded once per request however many fields need them. */
  units(runId: string): Promise<StoredUnit[]>;
}

export function requestCaches(runs: RunService): Pick<ApiContext, "units"> {
  const units = new Map<string, Promise<StoredUnit[]>>();
  return {
    units: (runId) => {
      let p = units.get(runId);
      if (!p) units.set(runId, (p = runs.store.loadUnits(runId)));
      return p;
    },
  };
}
