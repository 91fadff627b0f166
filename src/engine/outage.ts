// Riding through a database outage. A commit that fails because the database is
// unreachable (or cannot write: disk full) is tried again with backoff until the
// outage budget runs out; meanwhile the run's supervisor holds dispatching and its
// running tasks go on, their outcomes gathering for the next batch.
//
// A connection can fail after the database committed, before the answer came:
// sending the batch again would record its events twice. So once an outage began,
// a batch with events is first looked for: the run's last sequence at or past the
// batch's says it is in. The lease fences both: if the run is another process's
// now (the lease expired during the outage and was taken), nothing more is written.
import { StoreOutageError } from "../core/errors.js";
import { LeaseLostError, StoreUnreachableError, type CommitBatch, type RunStore } from "./store.js";

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

export interface OutageHooks {
  /** The database went away: hold dispatching. */
  onHold(reason: string): void;
  /** The batch is in after an outage of `heldMs`. */
  onBack(heldMs: number): void;
  /** The supervisor is letting the run go (shutdown): stop trying. */
  stopping(): boolean;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function commitThroughOutage(
  store: Pick<RunStore, "commit" | "getRun">,
  batch: CommitBatch,
  budgetMs: number,
  hooks: OutageHooks,
): Promise<void> {
  let since: number | undefined;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    let reason: string;
    try {
      if (since === undefined || !(await alreadyCommitted(store, batch))) await store.commit(batch);
      if (since !== undefined) hooks.onBack(Date.now() - since);
      return;
    } catch (err) {
      if (err instanceof LeaseLostError) throw err;
      // once in an outage, the look-up's failures are the outage's too
      if (!(err instanceof StoreUnreachableError) && since === undefined) throw err;
      reason = err instanceof StoreUnreachableError ? err.reason : String((err as Error)?.message ?? err);
    }
    if (since === undefined) {
      since = Date.now();
      hooks.onHold(reason);
    }
    const left = since + budgetMs - Date.now();
    if (left <= 0) throw new StoreOutageError(batch.runId, budgetMs, reason);
    if (hooks.stopping()) throw new StoreUnreachableError(`${reason} (stopped while waiting for the database)`);
    await wait(Math.min(delay, left));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

/** Whether a batch sent before the outage made it in (see the top of the file). */
async function alreadyCommitted(store: Pick<RunStore, "getRun">, batch: CommitBatch): Promise<boolean> {
  if (batch.events.length === 0) return false; // without events, writing it again changes nothing
  const run = await store.getRun(batch.runId);
  if (!run || run.leaseOwner !== batch.owner) throw new LeaseLostError(batch.runId);
  return run.lastSeq >= batch.run.lastSeq;
}
