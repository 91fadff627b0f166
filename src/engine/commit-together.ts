// Held commits of several runs, written as one statement (the store's commitMany), for
// both doors that gather them: the takeover's first commits (commit-gate.ts) and any
// commits made while another statement is in flight (shared-commits.ts).
//
// Fencing is the store's: each run's part of the statement is written only while its
// lease is this process's, and a run that lost its lease gets the LeaseLostError a commit
// of its own would have given; the others are written. An outage rejects every held
// commit with the outage's error: each journal then rides it out alone (outage.ts),
// asking whether its batch made it in. Any other failure wrote nothing (one statement is
// atomic), so each batch is then sent alone, and only the batch the database refuses fails.
import type { Logger } from "./ports.js";
import { LeaseLostError, StoreUnreachableError, type CommitBatch, type RunStore } from "./store.js";

/** A supervisor's commit, waiting for the statement that carries it. */
export interface HeldCommit {
  batch: CommitBatch;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Settles every held commit; never rejects. `failed`: what the log says when the shared statement fails. */
export async function commitTogether(store: RunStore, held: readonly HeldCommit[], logger: Logger, failed: string): Promise<void> {
  if (held.length === 1) return commitAlone(store, held[0]!);
  let written: Set<string>;
  try {
    written = new Set(await store.commitMany(held.map((h) => h.batch)));
  } catch (err) {
    if (err instanceof StoreUnreachableError) for (const h of held) h.reject(err);
    else {
      logger.warn({ runs: held.length, err: String(err) }, failed);
      await Promise.all(held.map((h) => commitAlone(store, h)));
    }
    return;
  }
  for (const h of held) {
    if (written.has(h.batch.runId)) h.resolve();
    else h.reject(new LeaseLostError(h.batch.runId));
  }
}

/** Never rejects: the batch's own promise is settled instead (a commit that throws at once included). */
function commitAlone(store: RunStore, h: HeldCommit): Promise<void> {
  return new Promise<void>((resolve) => resolve(store.commit(h.batch))).then(h.resolve, h.reject);
}
