// The executor port: how the run supervisor has one attempt of one unit carried
// out. Local processes, in-process functions and (later) Argo implement it.

import type { PlanUnit } from "../core/task.js";

export interface ExecutionRequest {
  runId: string;
  taskId: string;
  title: string;
  /** The task definition (exported to processes as CONVEYOR_TASK_JSON). */
  definition: Record<string, unknown>;
  /** Per-task command that overrides the executor's template. */
  command?: string;
  /** 1-based attempt number. */
  attempt: number;
  /** Kill the attempt after this long; it then fails with `timedOut`. */
  timeoutMs?: number;
  /** Aborted when the run is cancelled: the attempt is killed and ends `cancelled`. */
  signal: AbortSignal;
  /** The task's own progress report, 0..1, with an optional message. */
  onProgress?: (fraction: number, message?: string) => void;
  /**
   * The task's output as it comes: complete lines of one stream, without their
   * newlines, in the order printed (task-logs.ts). Executors that cannot see
   * output live leave it uncalled.
   */
  onOutput?: (stream: "stdout" | "stderr", lines: readonly string[]) => void;
  /**
   * Whether anyone watches this attempt's live log, on any replica: `listener`
   * hears it now if so, and at every change, until the returned function is
   * called. For executors whose live output costs something only while
   * watched (Argo follows the pod's log then).
   */
  watchOutput?: (listener: (watched: boolean) => void) => () => void;
  /**
   * When tracing is on: this attempt's span as a W3C traceparent (a task process gets it as
   * TRACEPARENT), and the run's span, for executors that start a whole run at once (Argo).
   */
  traceparent?: string;
  runTraceparent?: string;
}

export interface ExecutionOutcome {
  ok: boolean;
  exitCode: number | null;
  error?: string;
  /** The JSON result the task reported, if any. */
  result?: unknown;
  stdoutTail?: string;
  stderrTail?: string;
  timedOut?: boolean;
  cancelled?: boolean;
  /**
   * When the attempt really started and ended (epoch ms), for executors that
   * learn it from elsewhere (Argo's node startedAt/finishedAt); otherwise the
   * supervisor's own clock times the attempt.
   */
  startedAt?: number;
  finishedAt?: number;
}

export interface Executor {
  readonly name: string;
  /**
   * Checks, before a new run is recorded, that this executor can run its units (a local run's
   * commands and working folder); throws a ConveyorError naming what to fix.
   */
  preflight?(units: readonly PlanUnit[]): void;
  execute(request: ExecutionRequest): Promise<ExecutionOutcome>;
  /**
   * Whole-run engines (Argo) hear of run-level control too: a paused run starts
   * nothing new, a resumed one may, a cancelled one is torn down. Per-task
   * executors need none of it: pause dispatches nothing and cancel aborts
   * each attempt's signal.
   */
  runPaused?(runId: string): void;
  runResumed?(runId: string): void;
  runCancelled?(runId: string): void;
  close?(): Promise<void>;
}
