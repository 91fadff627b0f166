// The side effects the engine needs, as interfaces. Storage, pub/sub, time and
// logging are injected by the composition root (src/app.ts), so the engine can
// run on PGlite or PostgreSQL, in-process or Redis events, a real or fake clock.
import type { ProcessIdentity } from "../core/lease-owner.js";
import type { Topic } from "./topics.js";

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

export type { RunEvent } from "../core/events.js";

/** Carries messages between the engine and its readers, in this process or between processes (src/pubsub). */
export interface EventBus {
  publish<T>(topic: Topic<T>, messages: readonly NoInfer<T>[]): void;
  subscribe<T>(topic: Topic<T>, listener: (messages: readonly T[]) => void): () => void;
  /** Resolves once what is published on `topic` from now on reaches this process's listeners (a remote bus subscribes asynchronously). */
  subscribed?(topic: Topic<unknown>): Promise<void>;
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
