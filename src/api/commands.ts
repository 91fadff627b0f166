// Commands that steer a run, applied by whichever replica drives it. A replica
// that does not hold the run's lease relays the command over the bus (Redis
// between replicas) to the one that does; the caller then waits for the event
// that shows the command took effect, exactly as for a local command.
import type { Engine } from "../engine/engine.js";
import type { Logger, RunEvent } from "../engine/ports.js";

export const CONTROL_TOPIC = "control";

export type Command =
  | { action: "pause" }
  | { action: "resume"; checkpointId?: string }
  | { action: "cancel"; reason?: string }
  | { action: "retry"; taskId: string }
  | { action: "mark"; taskId: string; as: "succeeded" | "skipped" }
  | { action: "checkpoint" };

/** Applies a command to the local engine. */
export function apply(engine: Engine, runId: string, c: Command): Promise<unknown> {
  switch (c.action) {
    case "pause":
      return engine.pauseRun(runId);
    case "resume":
      return engine.resumeRun(runId, c.checkpointId ? { checkpointId: c.checkpointId } : {});
    case "cancel":
      return engine.cancelRun(runId, c.reason);
    case "retry":
      return engine.retryTask(runId, c.taskId);
    case "mark":
      return engine.markTask(runId, c.taskId, c.as);
    case "checkpoint":
      return engine.checkpointRun(runId);
  }
}

/** The event that shows a command took effect. */
export function shows(c: Command): (e: RunEvent) => boolean {
  switch (c.action) {
    case "pause":
      return (e) => e.type === "run.paused";
    case "resume":
      return (e) => e.type === "run.resumed" || e.type === "run.started";
    case "cancel":
      return (e) => e.type === "run.cancelling" || e.type === "run.finished";
    case "retry":
    case "mark":
      return (e) => e.taskId === c.taskId;
    case "checkpoint":
      return (e) => e.type === "run.checkpoint";
  }
}

export function relay(engine: Engine, runId: string, c: Command): void {
  engine.bus.publish(CONTROL_TOPIC, [{ runId, seq: 0, type: `control.${c.action}`, data: c, at: Date.now() }]);
}

/** Applies the commands other replicas relay for the runs this one drives. */
export function listenForCommands(engine: Engine, logger: Logger): () => void {
  return engine.bus.subscribe(CONTROL_TOPIC, (events) => {
    for (const e of events) {
      if (!engine.isActive(e.runId)) continue;
      apply(engine, e.runId, e.data as unknown as Command).catch((err: unknown) =>
        logger.warn({ runId: e.runId, command: e.type, err: String(err) }, "relayed command refused"),
      );
    }
  });
}
