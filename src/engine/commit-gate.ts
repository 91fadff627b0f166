// The first commits of runs taken over together, written as one statement. Each
// supervisor a takeover starts commits its run.started (and the restart of what was
// running) on the next turn of the event loop, all in the same turn; the gate holds
// those commits until the turn after and sends them through the store's commitMany,
// instead of one statement per run. Its first flush closes it: every later commit of
// those runs goes to the store directly, as any run's does.
// Fencing and failures as for any commits written together (commit-together.ts).
import { noticesOf } from "../core/notices.js";
import { commitTogether, type HeldCommit } from "./commit-together.js";
import type { Logger } from "./ports.js";
import type { CommitBatch, RunStore } from "./store.js";

/** Whether the gate holds a batch: a takeover's first commits carry no memo entry, checkpoint or webhook notice. */
export const isPlainBatch = (b: CommitBatch): boolean =>
  b.memo.length === 0 && b.checkpoint === undefined && noticesOf(b.events).length === 0;

export class CommitGate {
  private held: HeldCommit[] = [];
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
    await commitTogether(this.inner, held, this.logger, "the gathered first commits of runs taken over failed; committing each run alone");
  }
}
