// Runs an attempt as a function in this process: for tests, benchmarks and
// embedders. The outcome settles on timeout or cancellation even when the
// function ignores its signal (its work is then abandoned, not stopped).
// Synchronous functions cannot be interrupted, and take the hot path: no
// promise race, listener or timer, so 10,000+ no-op tasks a second stay cheap.

import type { ExecutionOutcome, ExecutionRequest, Executor } from "../engine/executor.js";

/** A task body; its return value (awaited) becomes the outcome's result. */
export type TaskFunction = (request: ExecutionRequest) => unknown;

export interface TaskFunctions {
  /** Per task id. */
  tasks: Record<string, TaskFunction>;
  /** For ids not in `tasks`; without it such tasks fail. */
  fallback?: TaskFunction;
}

export class InProcessExecutor implements Executor {
  readonly name = "in-process";
  private readonly tasks: Record<string, TaskFunction>;
  private readonly fallback: TaskFunction | undefined;

  constructor(run: TaskFunction | TaskFunctions) {
    this.tasks = typeof run === "function" ? {} : run.tasks;
    this.fallback = typeof run === "function" ? run : run.fallback;
  }

  async execute(request: ExecutionRequest): Promise<ExecutionOutcome> {
    const fn = Object.hasOwn(this.tasks, request.taskId) ? this.tasks[request.taskId] : this.fallback;
    if (!fn) return { ok: false, exitCode: null, error: `no function for task ${request.taskId}` };
    if (request.signal.aborted) return cancelled();
    // With a timeout the function gets its own signal, aborted on timeout as well as on cancel.
    const control = request.timeoutMs === undefined ? undefined : new AbortController();
    let value: unknown;
    try {
      value = fn(control ? { ...request, signal: control.signal } : request);
    } catch (err) {
      return failed(err);
    }
    return isThenable(value) ? race(value, request, control) : succeeded(value);
  }
}

function race(work: PromiseLike<unknown>, request: ExecutionRequest, control: AbortController | undefined): Promise<ExecutionOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: ExecutionOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => {
      control?.abort(request.signal.reason);
      finish(cancelled());
    };
    Promise.resolve(work).then(
      (value) => finish(succeeded(value)),
      (err: unknown) => finish(failed(err)),
    );
    // The function itself may have triggered the cancel; a listener added now would never fire.
    if (request.signal.aborted) return onAbort();
    request.signal.addEventListener("abort", onAbort, { once: true });
    if (control) {
      timer = setTimeout(() => {
        const error = `timed out after ${request.timeoutMs} ms`;
        control.abort(new Error(error));
        finish({ ok: false, exitCode: null, timedOut: true, error });
      }, request.timeoutMs);
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

function succeeded(result: unknown): ExecutionOutcome {
  return result === undefined ? { ok: true, exitCode: 0 } : { ok: true, exitCode: 0, result };
}

function failed(err: unknown): ExecutionOutcome {
  return { ok: false, exitCode: null, error: err instanceof Error ? err.message : String(err) };
}

function cancelled(): ExecutionOutcome {
  return { ok: false, exitCode: null, cancelled: true, error: "cancelled" };
}
