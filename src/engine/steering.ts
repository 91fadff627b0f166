// Steering a run from any process: a command is applied by whichever process
// drives the run. One that does not hold the run's lease relays the command over
// the event bus (Redis between API replicas) to the one that does; the caller then
// waits for the event that shows the command took effect, as for a local command,
// since the engine applies commands in memory and commits them with its next batch.
import type { RunEvent } from "../core/events.js";
import type { Command, ControlNotice } from "./bus-notices.js";
import type { EventBus, Logger } from "./ports.js";
import type { RunStore } from "./store.js";
import { topics } from "./topics.js";

export type { Command };

export interface Steered {
  /** What the local engine returned (a checkpoint's id); undefined when relayed. */
  result: unknown;
  /** The committed event that shows the command, or null if none came in time. */
  event: RunEvent | null;
}

/** What steering asks of the engine it serves (Engine implements it). */
export interface Steerable {
  readonly owner: string;
  resumeRun(runId: string, opts?: { checkpointId?: string }): Promise<void>;
  pauseRun(runId: string): Promise<void>;
  cancelRun(runId: string, reason?: string): Promise<void>;
  retryTask(runId: string, taskId: string): Promise<void>;
  markTask(runId: string, taskId: string, status: "succeeded" | "skipped"): Promise<void>;
  checkpointRun(runId: string): Promise<string>;
  isActive(runId: string): boolean;
  isDriverGone(owner: string): boolean;
}

export class Steering {
  private readonly off: () => void;

  constructor(
    private readonly engine: Steerable,
    private readonly deps: { bus: EventBus; store: RunStore; logger: Logger },
  ) {
    // applies the commands other processes relay for the runs this one drives
    this.off = deps.bus.subscribe(topics.control, (events) => {
      for (const e of events) {
        if (!engine.isActive(e.runId)) continue;
        this.apply(e.runId, e.data).catch((err: unknown) =>
          deps.logger.warn({ runId: e.runId, command: e.type, err: String(err) }, "relayed command refused"),
        );
      }
    });
  }

  /**
   * Applies the command here, or relays it to the process that drives the run;
   * then waits up to `waitMs` for the event that shows it. A relayed command the
   * other process refuses shows nothing: `event` is then null. If that process
   * let the run go before the command reached it, the command is applied here.
   */
  async steer(runId: string, c: Command, waitMs = 2_000): Promise<Steered> {
    const shown = shows(c);
    let found: RunEvent | null = null;
    let wake = () => {};
    const off = this.deps.bus.subscribe(topics.runEvents(runId), (events) => {
      found ??= events.find(shown) ?? null;
      if (found) wake();
    });
    const seen = () =>
      found
        ? Promise.resolve(found)
        : new Promise<RunEvent | null>((resolve) => {
            const timer = setTimeout(() => resolve(null), waitMs);
            timer.unref();
            wake = () => {
              clearTimeout(timer);
              resolve(found);
            };
          });
    try {
      if (await this.drivenElsewhere(runId)) {
        this.relay(runId, c);
        const event = await seen();
        if (event || (await this.drivenElsewhere(runId))) return { result: undefined, event };
      }
      const result = await this.apply(runId, c);
      return { result, event: await seen() };
    } finally {
      off();
    }
  }

  /** Another live process holds the run's lease. */
  async drivenElsewhere(runId: string): Promise<boolean> {
    if (this.engine.isActive(runId)) return false;
    const run = await this.deps.store.getRun(runId);
    if (!run) return false; // the local engine names the missing run
    return (
      run.leaseOwner !== null &&
      run.leaseOwner !== this.engine.owner &&
      (run.leaseExpiresAt ?? 0) > Date.now() &&
      !this.engine.isDriverGone(run.leaseOwner)
    );
  }

  close(): void {
    this.off();
  }

  private apply(runId: string, c: Command): Promise<unknown> {
    const e = this.engine;
    switch (c.action) {
      case "pause":
        return e.pauseRun(runId);
      case "resume":
        return e.resumeRun(runId, c.checkpointId ? { checkpointId: c.checkpointId } : {});
      case "cancel":
        return e.cancelRun(runId, c.reason);
      case "retry":
        return e.retryTask(runId, c.taskId);
      case "mark":
        return e.markTask(runId, c.taskId, c.as);
      case "checkpoint":
        return e.checkpointRun(runId);
    }
  }

  private relay(runId: string, c: Command): void {
    const notice: ControlNotice = { runId, seq: 0, type: `control.${c.action}`, data: c, at: Date.now() };
    this.deps.bus.publish(topics.control, [notice]);
  }
}

/** The event that shows a command took effect. */
function shows(c: Command): (e: RunEvent) => boolean {
  switch (c.action) {
    case "pause":
      return (e) => e.type === "run.paused";
    case "resume":
      return (e) => e.type === "run.resumed";
    case "cancel":
      return (e) => e.type === "run.cancelling" || e.type === "run.finished";
    case "retry":
    case "mark":
      return (e) => e.taskId === c.taskId;
    case "checkpoint":
      return (e) => e.type === "run.checkpoint";
  }
}
