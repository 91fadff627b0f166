// The RunStore port over Prisma: PostgreSQL or PGlite, same code. Each
// aggregate lives in its own module; this class only wires them together.
import type { NewRun, OrphanClaim, RunRecord, RunStore } from "../engine/store.js";
import { archivedAttempts, archivedEvents, archivedUnits } from "./archive/archived-reads.js";
import { listAttempts } from "./attempts.js";
import { getCheckpoint, listCheckpoints } from "./checkpoints.js";
import type { Database } from "./database-handle.js";
import type { Db } from "./db.js";
import { Gathered } from "./gathered.js";
import { traceParentsOf } from "./sql/run-trace-parent.js";
import { historicalDurations, memoLookups, type MemoQuery } from "./memo-cache.js";
import { readEvents, runChangesSince } from "./run-events.js";
import { acquireLease, findOrphans, leasedRuns, releaseLeases, renewLeases } from "./leases.js";
import { countRuns, createRuns, getRun, listRuns, runIdsStartingWith, type RunToCreate } from "./runs.js";
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
    /** The memo cache's time to live (CONVEYOR_MEMO_TTL): an older entry is no hit, whatever a run asks. */
    private readonly memoTtlMs?: number,
  ) {}

  // every run's start looks up the memo and writes the run, and its end gives up the lease: many runs at once
  // share these statements. Only small runs are written together (at most 100 × 50 units a statement), and a
  // batch the database refuses is retried run by run, so one bad run never fails the starts beside it.
  private readonly runCreations = new Gathered((cs: RunToCreate[]) => createRuns(this.database.sql, cs), {
    maxBatch: 100,
    retryAlone: true,
  });
  private readonly memoLookups = new Gathered((qs: MemoQuery[]) => memoLookups(this.database.sql, qs));
  private readonly leaseReleases = new Gathered((ls: { runId: string; owner: string }[]) => releaseLeases(this.database.sql, ls));

  /** Prisma, for the reads that use it; loaded by the first of them. */
  private readonly db = (): Promise<Db> => this.database.prisma();

  createRun = (run: NewRun, owner: string, leaseMs: number): Promise<RunRecord> =>
    run.units.length <= 50
      ? this.runCreations.call({ run, owner, leaseMs })
      : createRuns(this.database.sql, [{ run, owner, leaseMs }]).then(([r]) => r!);

  getRun = (id: string) => getRun(this.database.sql, id);
  runIdsStartingWith = (prefix: string, limit: number) => runIdsStartingWith(this.database.sql, prefix, limit);
  listRuns: RunStore["listRuns"] = (filter) => this.db().then((db) => listRuns(db, filter));
  countRuns: RunStore["countRuns"] = (statuses, archived) => this.db().then((db) => countRuns(db, statuses, archived));
  // An archived run has no hot rows: a read that finds none looks in its archive
  // (storage/archive/), so an archived run reads as it did (one more query only when nothing was found).
  loadUnits = async (runId: string) => {
    const hot = await loadUnits(this.database.sql, runId);
    return hot.length > 0 ? hot : ((await archivedUnits(this.database.sql, runId)) ?? hot);
  };
  listAttempts = async (runId: string, index?: number) => {
    const hot = await this.db().then((db) => listAttempts(db, runId, index));
    return hot.length > 0 ? hot : ((await archivedAttempts(this.database.sql, runId, index)) ?? hot);
  };
  commit: RunStore["commit"] = (batch) => commitBatch(this.database.sql, batch, this.wantsNotice).catch(asUnreachable);
  acquireLease = (runId: string, owner: string, leaseMs: number, from?: string) =>
    acquireLease(this.database.sql, runId, owner, leaseMs, from);
  renewLeases = (runIds: string[], owner: string, leaseMs: number) => renewLeases(this.database.sql, runIds, owner, leaseMs);
  releaseLease = (runId: string, owner: string) => this.leaseReleases.call({ runId, owner });
  takeOrphans = (claims: readonly OrphanClaim[], owner: string, leaseMs: number) => takeOrphans(this.database.sql, claims, owner, leaseMs);
  loadUnitsOf = (runIds: readonly string[]) => loadUnitsOf(this.database.sql, runIds);
  commitMany: RunStore["commitMany"] = (batches) => commitMany(this.database.sql, batches, this.wantsNotice).catch(asUnreachable);
  findOrphans = () => findOrphans(this.database.sql);
  leasedRuns = () => leasedRuns(this.database.sql);
  memoAndDurations = (keys: string[], maxAgeMs?: number) => this.memoLookups.call({ keys, maxAgeMs: shorter(maxAgeMs, this.memoTtlMs) });
  memoLookup = (keys: string[], maxAgeMs?: number) => this.memoAndDurations(keys, maxAgeMs).then((f) => f.memo);
  historicalDurations = (keys: string[]) => historicalDurations(this.database.sql, keys);
  traceParentsOf = (runIds: readonly string[]) => traceParentsOf(this.database.sql, runIds).catch(asUnreachable);
  listCheckpoints = (runId: string) => this.db().then((db) => listCheckpoints(db, runId));
  getCheckpoint = (id: string) => this.db().then((db) => getCheckpoint(db, id));
  readEvents = async (runId: string, afterSeq: number, limit: number) => {
    const hot = await readEvents(this.database.sql, runId, afterSeq, limit);
    return hot.length > 0 || limit <= 0 ? hot : ((await archivedEvents(this.database.sql, runId, afterSeq, limit)) ?? hot);
  };
  runChangesSince = (since: number, limit: number) => runChangesSince(this.database.sql, since, limit);
}

const shorter = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
