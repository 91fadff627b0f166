// Which event types some endpoint wants, known in memory so that a commit carrying a
// run's end or a task's failure adds the outbox part to its statement only when an endpoint
// could want it: with no endpoints, the commit statement is what it was without webhooks.
// Refreshed at once after a change made here, and every `refreshMs` for changes made by
// another replica: an endpoint created elsewhere is served from then on.
import type { WebhookStore } from "./ports.js";

export class WantedTypes {
  private types: ReadonlySet<string> = new Set();
  private timer: NodeJS.Timeout | null = null;
  /** Refreshes may overtake each other: only a later-started one's answer replaces an earlier's. */
  private started = 0;
  private applied = 0;

  constructor(
    private readonly store: Pick<WebhookStore, "wantedEventTypes">,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Whether some endpoint wants this type (as of the last refresh). */
  wants = (type: string): boolean => this.types.has(type);

  async refresh(): Promise<void> {
    const ticket = ++this.started;
    const types = await this.store.wantedEventTypes();
    if (ticket < this.applied) return;
    this.applied = ticket;
    this.types = new Set(types);
  }

  start(refreshMs: number): void {
    this.timer ??= setInterval(() => void this.refresh().catch(this.onError), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
