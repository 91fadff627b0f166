// Group commit across runs. Each run's journal commits one batch at a time (commit-queue.ts);
// when a thousand small runs go at once, each of their commits is a statement of its own,
// and its round trip (a socket write, a parse, a plan, a reply) costs more than the rows it
// carries. So the store door every supervisor commits through gathers them, as
// storage/gathered.ts gathers run creations: the first commit goes at once, alone, as
// before; commits of other runs made while a statement is in flight wait for it and then
// go together, in one statement (the store's commitMany). An idle engine commits as fast
// as before; a busy one sends one statement for many runs.
//
// Fencing is the store's: each run's part of the statement is written only while its
// lease is this process's, and a run that lost its lease gets the LeaseLostError a commit
// of its own would have given; the others are written. An outage rejects every gathered
// commit with the outage's error: each journal then rides it out as alone (outage.ts),
// asking whether its batch made it in. Any other failure wrote nothing (one statement is
// atomic), so each batch is then sent alone, and only the batch the database refuses fails.
import type { Logger } from "./ports.js";
import { LeaseLostError, StoreUnreachableError, type CommitBatch, type RunStore } from "./store.js";

/** The most runs one statement carries: a bigger one holds its runs' row locks longer. */
const MAX_RUNS = 100;

interface Held {
  batch: CommitBatch;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class SharedCommits {
  private waiting: Held[] = [];
  private inFlight = false;
  /** The store as the supervisors see it: the same one, but for `commit`. */
  readonly store: RunStore;

  constructor(
    private readonly inner: RunStore,
    private readonly logger: Logger,
  ) {
    this.store = Object.create(inner, { commit: { value: (b: CommitBatch) => this.commit(b) } }) as RunStore;
  }

  private commit(batch: CommitBatch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ batch, resolve, reject });
      if (!this.inFlight) this.flush();
    });
  }

  private flush(): void {
    // one batch per run in a statement (a journal commits one at a time; this is only a guard)
    const runs = new Set<string>();
    const taken: Held[] = [];
    const left: Held[] = [];
    for (const h of this.waiting) {
      if (taken.length < MAX_RUNS && !runs.has(h.batch.runId)) {
        runs.add(h.batch.runId);
        taken.push(h);
      } else left.push(h);
    }
    this.waiting = left;
    this.inFlight = true;
    void this.send(taken).finally(() => {
      this.inFlight = false;
      if (this.waiting.length > 0) this.flush();
    });
  }

  private async send(held: Held[]): Promise<void> {
    if (held.length === 1) return this.alone(held[0]!);
    let written: Set<string>;
    try {
      written = new Set(await this.inner.commitMany(held.map((h) => h.batch)));
    } catch (err) {
      if (err instanceof StoreUnreachableError) for (const h of held) h.reject(err);
      else {
        this.logger.warn({ runs: held.length, err: String(err) }, "a statement of many runs' commits failed; committing each run alone");
        await Promise.all(held.map((h) => this.alone(h)));
      }
      return;
    }
    for (const h of held) {
      if (written.has(h.batch.runId)) h.resolve();
      else h.reject(new LeaseLostError(h.batch.runId));
    }
  }

  /** Never rejects: the batch's own promise is settled instead (a commit that throws at once included). */
  private alone(h: Held): Promise<void> {
    return new Promise<void>((resolve) => resolve(this.inner.commit(h.batch))).then(h.resolve, h.reject);
  }
}
