// How long this process may trust a run's lease without asking the database.
// A lease confirmed by a statement sent at local time t lasts at least until
// t + leaseMs: the database set its expiry from its own now(), which is later.
// Starting a task before its start record is durable is only safe inside that
// window; the margin leaves room for a slow renewal and clock drift.
import { performance } from "node:perf_hooks";

export class LeaseWindow {
  private readonly confirmed = new Map<string, number>();

  constructor(
    private readonly leaseMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The time a statement that took or renewed the lease is about to be sent. */
  stamp(): number {
    return this.now();
  }

  confirm(runId: string, sentAt: number): void {
    this.confirmed.set(runId, Math.max(sentAt, this.confirmed.get(runId) ?? sentAt));
  }

  forget(runId: string): void {
    this.confirmed.delete(runId);
  }

  /** True while at least a third of the lease is certainly left. */
  holds(runId: string): boolean {
    const at = this.confirmed.get(runId);
    return at !== undefined && this.now() - at < (this.leaseMs * 2) / 3;
  }
}
