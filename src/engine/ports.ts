// The side effects the engine needs, as interfaces. Storage, pub/sub, time and
// logging are injected by the composition root (src/app.ts), so the engine can
// run on PGlite or PostgreSQL, in-process or Redis events, a real or fake clock.
import type { ProcessIdentity } from "../core/lease-owner.js";

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** One durable, sequenced fact about a run, as stored and as published. */
export interface RunEvent {
  runId: string;
  seq: number;
  type: string;
  taskId?: string;
  data: Record<string, unknown>;
  at: number;
}

export interface EventBus {
  publish(topic: string, events: readonly RunEvent[]): void;
  subscribe(topic: string, listener: (events: readonly RunEvent[]) => void): () => void;
  /** Resolves once what is published on `topic` from now on reaches this process's listeners (a remote bus subscribes asynchronously). */
  subscribed?(topic: string): Promise<void>;
  close?(): Promise<void>;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Whether the process that holds a lease is certainly gone (src/runtime/process-liveness.ts
 * reads /proc). Only a proof counts: "unknown" must answer false, and the lease then expires.
 */
export interface ProcessLiveness {
  /** This process, for the lease owner string; undefined where it cannot be identified. */
  readonly self: ProcessIdentity | undefined;
  isGone(owner: string): boolean;
}

/** Proves nothing: every driver is taken for alive until its lease expires. */
export const noLiveness: ProcessLiveness = { self: undefined, isGone: () => false };

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const runTopic = (runId: string) => `run:${runId}`;
/** Run-level changes of every run (see isRunChange), for dashboards. */
export const RUNS_TOPIC = "runs";
/** What RUNS_TOPIC carries: a run started, paused, resumed, is being cancelled or timed out, finished. Not its checkpoints. */
export const isRunChange = (type: string) => type.startsWith("run.") && type !== "run.checkpoint";
/** Notices that a process released the leases of runs it still had (a graceful stop): not run events, no seq. */
export const LEASES_TOPIC = "leases";
/**
 * Published in this process only, by a bus that may have lost messages from
 * other processes between `data.since` (ms) and now (Redis reconnected): what
 * follows live events without an `after` of its own catches up from the database.
 */
export const BUS_RESYNC_TOPIC = "bus.resync";

/** A notice carried by the bus on its own topic (LEASES_TOPIC, BUS_RESYNC_TOPIC): the shape of an event, but not in any run's log (seq 0). */
export const busNotice = (type: string, data: Record<string, unknown>, runId = ""): RunEvent => ({ runId, seq: 0, type, data, at: Date.now() });
