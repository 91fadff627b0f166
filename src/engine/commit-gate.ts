// The first commits of runs taken over together, written as one statement. Each
// supervisor a takeover starts commits its run.started (and the restart of what was
// running) on the next turn of the event loop, all in the same turn; the gate holds
// those commits until the turn after and sends them through the store's commitMany,
// instead of one statement per run. Its first flush closes it: every later commit of
// those runs goes to the store directly, as any run's does.
//
// Fencing is the store's: each run's part of the statement is written only while its
// lease is this process's, and a run that lost its lease gets the LeaseLostError a
// commit of its own would have given. An outage rejects every gathered commit with the
// outage's error: each journal then rides it out alone (outage.ts), asking whether its
// batch made it in. Any other failure wrote nothing (one statement is atomic), so each
// batch is then sent alone.
import { noticesOf } from "../core/notices.js";
import type { Logger } from "./ports.js";
import { LeaseLostError, StoreUnreachableError, type CommitBatch, type RunStore } from "./store.js";

/** Whether the gate holds a batch: a takeover's first commits carry no memo entry, checkpoint or webhook notice. */
export const isPlainBatch = (b: CommitBatch): boolean =>
  b.memo.length === 0 && b.checkpoint === undefined && noticesOf(b.events).length === 0;

interface Held {
  batch: CommitBatch;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class CommitGate {
  private held: Held[] = [];
  private open = true;
  /** The store as the gathered supervisors see it: the same one, but for `commit`. */
  readonly store: RunStore;

  constructor(
    private readonly inner: RunStore,
    private readonly logger: Logger,
  ) {
    this.store = Object.create(inner, { commit: { value: (b: CommitBatch) => this.commit(b) } }) as RunStore;
  }

  private commit(batch: CommitBatch): Promise<void> {
    if (!this.open || !isPlainBatch(batch)) return this.inner.commit(batch);
    // the supervisors' first commits come in one turn: the flush waits for the next
    if (this.held.length === 0) setImmediate(() => void this.flush());
    return new Promise((resolve, reject) => this.held.push({ batch, resolve, reject }));
  }

  private async flush(): Promise<void> {
    this.open = false;
    const held = this.held;
    this.held = [];
    if (held.length === 1) return this.alone(held[0]!);
    let written: Set<string>;
    try {
      written = new Set(await this.inner.commitMany(held.map((h) => h.batch)));
    } catch (err) {
      if (err instanceof StoreUnreachableError) for (const h of held) h.reject(err);
      else {
        this.logger.warn(
          { runs: held.length, err: String(err) },
          "the gathered first commits of runs taken over failed; committing each run alone",
        );
        for (const h of held) this.alone(h);
      }
      return;
    }
    for (const h of held) {
      if (written.has(h.batch.runId)) h.resolve();
      else h.reject(new LeaseLostError(h.batch.runId));
    }
  }

  private alone(h: Held): void {
    this.inner.commit(h.batch).then(h.resolve, h.reject);
  }
}
