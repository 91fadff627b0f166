// Keeps a live view of the Workflows matching a label selector: list, then
// watch from the list's resourceVersion; a dropped stream is watched again from
// the last version seen; 410 Gone (that version is compacted away) means list
// again and reconcile. Consumers must be idempotent: objects may repeat.
import type { WatchEventType, WorkflowApi } from "./k8s-client.js";
import type { ArgoWorkflow } from "./types.js";

export interface WatcherOptions {
  /** Pause before re-watching or re-listing after a failure. */
  retryDelayMs?: number;
  onError?: (err: unknown) => void;
}

export class WorkflowWatcher {
  private lastVersion = "";
  /** Bumped on every (re)connect, so callbacks of an abandoned stream are ignored. */
  private generation = 0;
  private stream: { abort(): void } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Counters, for tests and logs. */
  readonly stats = { lists: 0, watches: 0 };

  constructor(
    private readonly api: WorkflowApi,
    private readonly labelSelector: string,
    private readonly onObject: (wf: ArgoWorkflow, type: "ADDED" | "MODIFIED" | "DELETED") => void,
    private readonly opts: WatcherOptions = {},
  ) {}

  /** Resolves after the first list has been reconciled. */
  async start(): Promise<void> {
    await this.relist();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.timer);
    this.stream?.abort();
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    this.stats.lists++;
    const list = await this.api.list(this.labelSelector);
    if (this.stopped) return;
    for (const wf of list.items) this.onObject(wf, "MODIFIED");
    this.lastVersion = list.resourceVersion;
    await this.watch();
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    const gen = ++this.generation;
    this.stats.watches++;
    const current = () => gen === this.generation && !this.stopped;
    const onEvent = (type: WatchEventType, object: unknown) => {
      if (!current()) return;
      if (type === "ERROR") {
        const code = (object as { code?: number }).code;
        return code === 410 ? this.later(() => this.relist(), 0) : this.later(() => this.watch());
      }
      const wf = object as ArgoWorkflow;
      if (wf.metadata?.resourceVersion) this.lastVersion = wf.metadata.resourceVersion;
      if (type !== "BOOKMARK") this.onObject(wf, type);
    };
    const onDone = (err: unknown) => {
      if (!current()) return;
      if (err) this.opts.onError?.(err);
      const gone =
        (err as { statusCode?: number; code?: number } | null)?.statusCode === 410 || (err as { code?: number } | null)?.code === 410;
      this.later(() => (gone ? this.relist() : this.watch()));
    };
    try {
      this.stream = await this.api.watch(this.labelSelector, this.lastVersion, onEvent, onDone);
    } catch (err) {
      onDone(err);
    }
  }

  /** Runs `step` after the retry delay; a failing list is retried the same way. */
  private later(step: () => Promise<void>, delayMs = this.opts.retryDelayMs ?? 1000): void {
    this.generation++;
    this.stream?.abort();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      step().catch((err: unknown) => {
        this.opts.onError?.(err);
        this.later(() => this.relist());
      });
    }, delayMs);
    this.timer.unref?.();
  }
}
