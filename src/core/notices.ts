// Which of a run's transitions other systems are told about, and what they are told.
// Pure: the commit statement writes these to the webhook outbox in the same statement
// as the transitions themselves (src/storage/sql/outbox-part.ts).
import type { RunEvent, RunEventCounters } from "./events.js";

export const WEBHOOK_EVENT_TYPES = [
  "run.finished",
  "run.failed",
  "run.cancelled",
  "run.interrupted",
  "run.stalled",
  "task.failed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (t: string): t is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(t);

/** Run statuses reported as run.failed beside run.finished. */
const FAILED = new Set(["failed", "timed_out", "completed_with_failures"]);

/** One notification, before it is fanned out to the endpoints that want it. */
export interface Notice {
  seq: number;
  type: WebhookEventType;
  /** Epoch ms of the transition. */
  at: number;
  /** The payload's `data`, without the run's id and source (the statement adds them). */
  data: Record<string, unknown>;
}

/** The notices a batch of events carries; empty for nearly every batch. */
export function noticesOf(events: readonly RunEvent[]): Notice[] {
  let out: Notice[] | undefined;
  for (const e of events) {
    if (e.type === "run.finished") {
      const { status } = e.data;
      const data = { status, reason: e.data.reason, counters: countersOf(e.data) };
      (out ??= []).push({ seq: e.seq, type: "run.finished", at: e.at, data });
      if (FAILED.has(status)) out.push({ seq: e.seq, type: "run.failed", at: e.at, data });
      if (status === "cancelled") out.push({ seq: e.seq, type: "run.cancelled", at: e.at, data });
    } else if (e.type === "task.failed") {
      // the engine emits task.failed only for a final failure (a retry is task.retrying)
      const data = { taskId: e.taskId ?? null, error: e.data.error, attempt: e.data.attempt };
      (out ??= []).push({ seq: e.seq, type: "task.failed", at: e.at, data });
    }
  }
  return out ?? [];
}

const COUNTERS = ["total", "pending", "running", "succeeded", "failed", "skipped", "cancelled", "memoized"] as const;

function countersOf(data: RunEventCounters): RunEventCounters {
  const c = {} as RunEventCounters;
  for (const k of COUNTERS) c[k] = data[k];
  return c;
}
