// A run's events: every type the engine records, with the shape of its data, as one
// discriminated union keyed by `type`. The engine's journal emits only these
// (src/engine/run-journal.ts), the store keeps them as JSON, and the API, the CLI,
// metrics, status write-back and webhooks narrow on `type` to read `data`.
// A new type also needs its payload type in the API (src/api/types/run-event-data.ts
// does not compile until it has one) and its fields in test/engine/event-union.test.ts.
import type { RunStatus } from "./status.js";

/** How a run came to be driven (the engine's drive modes but `resume`, which is run.resumed). */
export type RunStartMode = "start" | "recover" | "amend";

/** A run's task counts, as run.finished carries them. */
export interface RunEventCounters {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
  memoized: number;
}

/** What an ended attempt adds to its task's event. */
export interface AttemptFacts {
  attempt: number;
  durationMs: number;
  exitCode: number | null;
}

/** Each event type's data. Optional fields are those only some occurrences carry (said beside them). */
export interface RunEventDataMap {
  "run.started": { mode: RunStartMode; total: number };
  /** After a pause (checkpointId null) or after the run settled (resumeRun, from a checkpoint or not). */
  "run.resumed": { total: number; checkpointId: string | null };
  "run.paused": { running: number };
  "run.cancelling": { reason: string };
  "run.timing_out": { reason: string };
  "run.finished": { status: RunStatus; reason: string | null } & RunEventCounters;
  "run.checkpoint": { id: string; reason: string };
  "task.started": { attempt: number };
  "task.progress": { progress: number; message?: string };
  /** An attempt's facts; or `group` (a group whose subtasks succeeded); or `byHand` (marked done). */
  "task.succeeded": Partial<AttemptFacts> & { group?: true; byHand?: true };
  "task.memoized": Record<string, never>;
  "task.retrying": AttemptFacts & { error: string; delayMs: number };
  /** A final failure; `final` says why it is not retried. */
  "task.failed": AttemptFacts & { error: string; final: string };
  /** A failed dependency (`reason`, `dependency`), or marked skipped by hand (`byHand`). */
  "task.skipped": { reason?: string; dependency?: string; byHand?: true };
  /** Never started (`reason` only), or its attempt was stopped (with the attempt's facts). */
  "task.cancelled": Partial<AttemptFacts> & { reason: string | null };
  /** A retried task and the dependents its failure had skipped. */
  "task.reopened": { reopened: string[] };
}

export type RunEventType = keyof RunEventDataMap;

/** One event of type K: a durable, sequenced fact about a run, as stored and as published. */
export interface RunEventOf<K extends RunEventType> {
  runId: string;
  /** Gapless per run, from 1. */
  seq: number;
  type: K;
  taskId?: string;
  data: RunEventDataMap[K];
  /** Epoch ms, the engine's clock. */
  at: number;
}

/** Any event of a run, narrowed by `type`. */
export type RunEvent = { [K in RunEventType]: RunEventOf<K> }[RunEventType];

/** Every event type, in the order the API's schema lists them (a map so that none can be left out). */
const TYPES: { [K in RunEventType]: true } = {
  "run.started": true,
  "run.resumed": true,
  "run.paused": true,
  "run.cancelling": true,
  "run.timing_out": true,
  "run.finished": true,
  "run.checkpoint": true,
  "task.started": true,
  "task.progress": true,
  "task.succeeded": true,
  "task.memoized": true,
  "task.retrying": true,
  "task.failed": true,
  "task.skipped": true,
  "task.cancelled": true,
  "task.reopened": true,
};
export const RUN_EVENT_TYPES = Object.keys(TYPES) as RunEventType[];

export const isRunEventType = (t: string): t is RunEventType => Object.hasOwn(TYPES, t);

/** A run-level event (the run's own, no task): what steering waits for and run changes carry. */
export type RunLevelEvent = Extract<RunEvent, { type: `run.${string}` }>;

/** What the run-changes topic carries: a run started, paused, resumed, is being cancelled or timed out, finished. Not its checkpoints. */
export type RunChangeEvent = Exclude<RunLevelEvent, { type: "run.checkpoint" }>;

export const isRunChange = (e: RunEvent): e is RunChangeEvent => e.type.startsWith("run.") && e.type !== "run.checkpoint";

/**
 * An event of type K as one of the union: what it is, which TypeScript cannot see
 * through a generic K (the journal's emit is generic so that its data is checked).
 */
export const asRunEvent = <K extends RunEventType>(e: RunEventOf<K>): RunEvent => e as unknown as RunEvent;
