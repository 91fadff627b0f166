// Events of the union (src/core/events.ts) for tests that need one of a given type:
// each type's data as the engine would write it, unless the test gives its own.
import { asRunEvent, type RunEvent, type RunEventDataMap, type RunEventType } from "../../src/core/events.js";

const counters = { total: 2, pending: 0, running: 0, succeeded: 2, failed: 0, skipped: 0, cancelled: 0, memoized: 0 };
const facts = { attempt: 1, durationMs: 5, exitCode: 0 };

/** A plausible data object for every event type. */
export const SAMPLE_DATA: RunEventDataMap = {
  "run.started": { mode: "start", total: 2 },
  "run.resumed": { total: 2, checkpointId: null },
  "run.paused": { running: 1 },
  "run.cancelling": { reason: "cancelled by request" },
  "run.timing_out": { reason: "run timeout of 1000 ms reached" },
  "run.finished": { status: "succeeded", reason: null, ...counters },
  "run.checkpoint": { id: "00000000-0000-4000-8000-000000000000", reason: "final" },
  "task.started": { attempt: 1 },
  "task.progress": { progress: 0.5, message: "half way" },
  "task.succeeded": facts,
  "task.memoized": {},
  "task.retrying": { ...facts, exitCode: 1, error: "exit code 1", delayMs: 10 },
  "task.failed": { ...facts, exitCode: 1, error: "exit code 1", final: "retry limit 0 reached" },
  "task.skipped": { reason: "dependency a failed", dependency: "a" },
  "task.cancelled": { reason: "cancelled by request" },
  "task.reopened": { reopened: [] },
};

interface EventFields<K extends RunEventType> {
  runId?: string;
  seq?: number;
  taskId?: string;
  data?: RunEventDataMap[K];
  at?: number;
}

/** An event of type K: the given fields, the rest made up (run "r", seq 1, SAMPLE_DATA, now). */
export function eventOf<K extends RunEventType>(type: K, f: EventFields<K> = {}): RunEvent {
  return asRunEvent<K>({
    runId: f.runId ?? "r",
    seq: f.seq ?? 1,
    type,
    ...(f.taskId !== undefined ? { taskId: f.taskId } : {}),
    data: f.data ?? SAMPLE_DATA[type],
    at: f.at ?? Date.now(),
  });
}
