// The tracing port: spans of a run as the engine sees them (the run, each task
// attempt, a retry's backoff, each group commit and checkpoint). Implemented with
// OpenTelemetry in src/observability/otel-tracing.ts and loaded only when tracing
// is configured; when it is off the engine holds no tracer at all, so the cost
// is one check of an undefined field per traced step.

export type TraceAttributes = Record<string, string | number | boolean>;

export interface TraceSpan {
  /** This span's context as a W3C `traceparent` header, handed to task processes. */
  readonly traceparent: string;
  event(name: string, attributes?: TraceAttributes, at?: number): void;
  setAttributes(attributes: TraceAttributes): void;
  /** Ends the span; with `error` its status is ERROR. `at` is epoch ms (default: now). */
  end(outcome?: { error?: string }, at?: number): void;
}

export interface Tracer {
  /**
   * A span with no parent in this process: a run's root. With a valid `traceparent`
   * (the caller's) it is that span's child, in the caller's trace; an invalid one is ignored.
   */
  startRoot(name: string, attributes: TraceAttributes, traceparent?: string, at?: number): TraceSpan;
  startChild(parent: TraceSpan, name: string, attributes: TraceAttributes, at?: number): TraceSpan;
  /** Sends what is buffered (a process about to exit). */
  flush?(): Promise<void>;
  shutdown?(): Promise<void>;
}
