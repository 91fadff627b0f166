// The RunStore port over Prisma: PostgreSQL or PGlite, same code. Each
// aggregate lives in its own module; this class only wires them together.
import type { NewRun, OrphanClaim, RunStore } from "../engine/store.js";
import { listAttempts } from "./attempts.js";
import { getCheckpoint, listCheckpoints } from "./checkpoints.js";
import type { Database } from "./database-handle.js";
import type { Db } from "./db.js";
import { historicalDurations, memoLookup } from "./memo-cache.js";
import { readEvents, runChangesSince } from "./run-events.js";
import { acquireLease, findOrphans, leasedRuns, releaseLease, renewLeases } from "./leases.js";
import { countRuns, createRun, getRun, listRuns, runIdsStartingWith } from "./runs.js";
import { commitBatch } from "./sql/commit-batch.js";
import { commitMany } from "./sql/commit-many.js";
import { loadUnitsOf } from "./sql/load-units-of.js";
import { takeOrphans } from "./sql/take-orphans.js";
import { loadUnits } from "./task-runs.js";
import { asUnreachable } from "./unreachable.js";

export class PrismaRunStore implements RunStore {
  constructor(
    private readonly database: Database,
    /** Whether some webhook endpoint wants a notice type (notifications/wanted-types.ts); default: assume so. */
    private readonly wantsNotice?: (type: string) => boolean,
  ) {}

  /** Prisma, for the reads that use it; loaded by the first of them. */
  private readonly db = (): Promise<Db> => this.database.prisma();

  createRun = (run: NewRun, owner: string, leaseMs: number) => createRun(this.database.sql, run, owner, leaseMs);

  getRun = (id: string) => getRun(this.database.sql, id);
  runIdsStartingWith = (prefix: string, limit: number) => runIdsStartingWith(this.database.sql, prefix, limit);
  listRuns: RunStore["listRuns"] = (filter) => this.db().then((db) => listRuns(db, filter));
  countRuns: RunStore["countRuns"] = (statuses) => this.db().then((db) => countRuns(db, statuses));
  loadUnits = (runId: string) => loadUnits(this.database.sql, runId);
  listAttempts = (runId: string, index?: number) => this.db().then((db) => listAttempts(db, runId, index));
  commit: RunStore["commit"] = (batch) => commitBatch(this.database.sql, batch, this.wantsNotice).catch(asUnreachable);
  acquireLease = (runId: string, owner: string, leaseMs: number, from?: string) => acquireLease(this.database.sql, runId, owner, leaseMs, from);
  renewLeases = (runIds: string[], owner: string, leaseMs: number) => renewLeases(this.database.sql, runIds, owner, leaseMs);
  releaseLease = (runId: string, owner: string) => releaseLease(this.database.sql, runId, owner);
  takeOrphans = (claims: readonly OrphanClaim[], owner: string, leaseMs: number) => takeOrphans(this.database.sql, claims, owner, leaseMs);
  loadUnitsOf = (runIds: readonly string[]) => loadUnitsOf(this.database.sql, runIds);
  commitMany: RunStore["commitMany"] = (batches) => commitMany(this.database.sql, batches).catch(asUnreachable);
  findOrphans = () => findOrphans(this.database.sql);
  leasedRuns = () => leasedRuns(this.database.sql);
  memoLookup = (keys: string[], maxAgeMs?: number) => memoLookup(this.database.sql, keys, maxAgeMs);
  historicalDurations = (keys: string[]) => historicalDurations(this.database.sql, keys);
  listCheckpoints = (runId: string) => this.db().then((db) => listCheckpoints(db, runId));
  getCheckpoint = (id: string) => this.db().then((db) => getCheckpoint(db, id));
  readEvents = (runId: string, afterSeq: number, limit: number) => readEvents(this.database.sql, runId, afterSeq, limit);
  runChangesSince = (since: number, limit: number) => runChangesSince(this.database.sql, since, limit);
}
