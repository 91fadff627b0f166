// The leases of the runs this engine drives: taken before driving, renewed every
// third of their length while driving, and known to be held (LeaseWindow) for
// the starts that may not wait for a commit. A lease found lost stops its run here.
import type { Logger } from "./ports.js";
import type { RunStore } from "./store.js";
import { LeaseWindow } from "./lease-window.js";

export class LeaseKeeper {
  private readonly window: LeaseWindow;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Pick<RunStore, "acquireLease" | "renewLeases">,
    private readonly owner: string,
    readonly leaseMs: number,
    private readonly logger: Logger,
    /** The runs driven here now, and how to stop one whose lease was lost. */
    private readonly driven: { ids(): string[]; lost(runId: string): Promise<void> },
  ) {
    this.window = new LeaseWindow(leaseMs);
  }

  /** Takes the run's lease if it is free, expired, already ours or `from`'s (a driver proved gone); renewals start with the first. */
  async acquire(runId: string, from?: string): Promise<boolean> {
    const sentAt = this.window.stamp();
    if (!(await this.store.acquireLease(runId, this.owner, this.leaseMs, from))) return false;
    this.written(runId, sentAt);
    return true;
  }

  /** The time a statement that takes or renews a lease is about to be sent. */
  stamp(): number {
    return this.window.stamp();
  }

  /** The lease was written for this owner by a statement sent at `sentAt` (one that created the run). */
  written(runId: string, sentAt: number): void {
    this.window.confirm(runId, sentAt);
    this.keepRenewing();
  }

  holds(runId: string): boolean {
    return this.window.holds(runId);
  }

  /** The run is no longer driven here (its lease is released by its supervisor). */
  forget(runId: string): void {
    this.window.forget(runId);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private keepRenewing(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renew(), Math.max(50, this.leaseMs / 3));
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    const ids = this.driven.ids();
    const sentAt = this.window.stamp();
    try {
      const lost = new Set(await this.store.renewLeases(ids, this.owner, this.leaseMs));
      for (const id of ids) if (!lost.has(id)) this.window.confirm(id, sentAt);
      for (const id of lost) {
        this.window.forget(id);
        this.logger.warn({ runId: id }, "lease lost: another process drives this run now");
        await this.driven.lost(id);
      }
    } catch (err) {
      this.logger.warn({ err: String(err) }, "lease renewal failed; will retry");
    }
  }
}
