// Pruning by itself in a server: every interval, the replica holding the "prune"
// chore lease deletes (or archives) what the retention policy lets go, a bounded number
// of runs per pass, one run at a time, then expires the memo cache by its own policy.
// The holder renews the lease before each run, so one replica keeps the chore while it
// lives; another takes it once its lease expires.
import type { RetentionPolicy } from "../core/retention.js";
import { systemClock, type Clock, type Logger } from "./ports.js";
import { pruneRuns, type PruneReport } from "./prune-runs.js";
import type { MemoExpiry, RetentionAction, RetentionStore } from "./retention-store.js";

export const PRUNE_CHORE = "prune";

export interface PruneObserver {
  /** A pass this replica ran (it held the lease), with how long it took. */
  passed(report: PruneReport, durationMs: number): void;
  /** The memo cache entries a pass removed. */
  memoExpired?(expiry: MemoExpiry): void;
}

/** The memo cache's own policy: entries older than `ttlMs`, and the oldest beyond `maxEntries`, go. */
export interface MemoPolicy {
  ttlMs?: number;
  maxEntries?: number;
}

export interface BackgroundPrunerOptions {
  store: RetentionStore;
  /** Unset: no run is pruned (only the memo cache expires). */
  policy?: RetentionPolicy;
  /** What happens to the runs the policy lets go (default "delete"). */
  action?: RetentionAction;
  /** Unset: the memo cache is not expired here. */
  memo?: MemoPolicy;
  /** This process, as the chore lease's and the deleted runs' lease owner. */
  owner: string;
  logger: Logger;
  /** Between passes (default 60 s); the chore lease lasts three of them, and at least a minute. */
  intervalMs?: number;
  /** Runs deleted per pass at most (default 100): the rest wait for the next one. */
  runsPerPass?: number;
  /** Pause after each run, as a multiple of the time deleting it took (default 9: pruning takes at most a tenth of the database's time). */
  pace?: number;
  observer?: PruneObserver;
  clock?: Clock;
}

export class BackgroundPruner {
  private timer: unknown;
  private pass: Promise<void> | undefined;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly clock: Clock;

  constructor(private readonly o: BackgroundPrunerOptions) {
    this.intervalMs = o.intervalMs ?? 60_000;
    this.clock = o.clock ?? systemClock;
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    await this.pass;
    await this.o.store.releaseChoreLease(PRUNE_CHORE, this.o.owner).catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.pass = this.runPass().finally(() => this.schedule(this.intervalMs));
    }, ms);
  }

  private async runPass(): Promise<void> {
    try {
      // at least a minute: it must outlast a paced pause between two runs, not only the interval
      const lease = () => this.o.store.takeChoreLease(PRUNE_CHORE, this.o.owner, Math.max(this.intervalMs * 3, 60_000));
      if (!(await lease())) return;
      if (this.o.policy) await this.pruneRunsPass(this.o.policy, lease);
      if (this.o.memo && !this.stopped && (await lease())) {
        const expiry = await this.o.store.expireMemo(this.o.memo);
        this.o.observer?.memoExpired?.(expiry);
        if (expiry.expired + expiry.evicted > 0) this.o.logger.info({ ...expiry }, "expired memo cache entries");
      }
    } catch (err) {
      // a database out of reach now is tried again next pass
      this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "pruning finished runs failed; trying again later");
    }
  }

  private async pruneRunsPass(policy: RetentionPolicy, lease: () => Promise<boolean>): Promise<void> {
    const started = performance.now();
    const report = await pruneRuns(this.o.store, {
      policy,
      now: this.clock.now(),
      action: this.o.action ?? "delete",
      honourRunRetention: true,
      owner: this.o.owner,
      limit: this.o.runsPerPass ?? 100,
      pace: this.o.pace ?? 9,
      // renewed before each run: a paced pass may outlast the lease, which must not pass to another replica meanwhile
      stillMine: async () => !this.stopped && (await lease()),
    });
    this.o.observer?.passed(report, performance.now() - started);
    if (report.deleted.length > 0) this.o.logger.info({ deleted: report.deleted.length, rows: report.rows }, "pruned finished runs");
    if (report.archived.length > 0)
      this.o.logger.info({ archived: report.archived.length, rows: report.archivedRows }, "archived finished runs");
  }
}
