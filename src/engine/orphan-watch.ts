// Keeps taking over runs whose driver went away, after the takeover at start:
// at once when another process says it released its leases (a graceful
// shutdown, topics.leases), and on a timer for drivers that died without a
// word (their leases expire). Scans never overlap; a notice that arrives
// during one asks for one more.
import type { EventBus, Logger } from "./ports.js";
import { topics } from "./topics.js";

export class OrphanWatch {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private scanning: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: { bus: EventBus; logger: Logger; recover: () => Promise<string[]> },
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.stopped || this.timer) return;
    this.unsubscribe = this.deps.bus.subscribe(topics.leases, () => this.scan());
    this.timer = setInterval(() => this.scan(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops watching; resolves once a scan in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.scanning;
  }

  private scan(): void {
    if (this.stopped) return;
    if (this.scanning) return void (this.again = true);
    this.scanning = this.deps
      .recover()
      .then(
        (ids) => {
          if (ids.length > 0) this.deps.logger.info({ runIds: ids }, "took over runs whose driver went away");
        },
        (err: unknown) => this.deps.logger.warn({ err: String(err) }, "looking for runs whose driver went away failed; will look again"),
      )
      .finally(() => {
        this.scanning = undefined;
        if (this.again) {
          this.again = false;
          this.scan();
        }
      });
  }
}
