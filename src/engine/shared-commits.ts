// Group commit across runs. Each run's journal commits one batch at a time (commit-queue.ts);
// when a thousand small runs go at once, each of their commits is a statement of its own,
// and its round trip (a socket write, a parse, a plan, a reply) costs more than the rows it
// carries. So the store door every supervisor commits through gathers them, as
// storage/gathered.ts gathers run creations: the first commit goes at once, alone, as
// before; commits of other runs made while a statement is in flight wait for it and then
// go together, in one statement (the store's commitMany). An idle engine commits as fast
// as before; a busy one sends one statement for many runs.
//
// Fencing and failures as for any commits written together (commit-together.ts).
import { commitTogether, type HeldCommit } from "./commit-together.js";
import type { Logger } from "./ports.js";
import type { CommitBatch, RunStore } from "./store.js";

/** The most runs one statement carries: a bigger one holds its runs' row locks longer. */
const MAX_RUNS = 100;

export class SharedCommits {
  private waiting: HeldCommit[] = [];
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
    const taken: HeldCommit[] = [];
    const left: HeldCommit[] = [];
    for (const h of this.waiting) {
      if (taken.length < MAX_RUNS && !runs.has(h.batch.runId)) {
        runs.add(h.batch.runId);
        taken.push(h);
      } else left.push(h);
    }
    this.waiting = left;
    this.inFlight = true;
    void commitTogether(this.inner, taken, this.logger, "a statement of many runs' commits failed; committing each run alone").finally(
      () => {
        this.inFlight = false;
        if (this.waiting.length > 0) this.flush();
      },
    );
  }
}
