// One execute() call waiting for its Argo attempt. It resolves with the
// attempt's outcome (a failed one after its pod's log tail, when that can be
// read), or as cancelled when its signal aborts before its attempt is chosen:
// a cancel or this process stopping, which leave the Workflow alone either way.
import type { ExecutionOutcome, ExecutionRequest } from "../../engine/executor.js";
import { outcomeOf, type AttemptView } from "./node-mapper.js";
import { withLogTail, type PodLogReader } from "./pod-logs.js";

/** Where a failed attempt's log tail comes from. */
export interface LogTailSource {
  logs: PodLogReader;
  /** How long a failed attempt waits for its log before it is handed out without. */
  timeoutMs: number;
  onError(podName: string, err: unknown): void;
}

export class AttemptWaiter {
  /** Its attempt is chosen and only waits for the pod's log: nothing else may be handed to it. */
  claimed = false;
  private lastProgress: number | undefined;
  private readonly onAbort = () => {
    if (!this.claimed) this.resolve(cancelled());
  };

  constructor(
    readonly index: number,
    private readonly req: ExecutionRequest,
    private readonly settle: (o: ExecutionOutcome) => void,
  ) {
    req.signal.addEventListener("abort", this.onAbort, { once: true });
  }

  resolve(o: ExecutionOutcome): void {
    this.req.signal.removeEventListener("abort", this.onAbort);
    this.settle(o);
  }

  /** Reports the running attempt's progress when it changed. */
  progress(fraction: number | undefined): void {
    if (fraction === undefined || fraction === this.lastProgress) return;
    this.lastProgress = fraction;
    this.req.onProgress?.(fraction);
  }

  /** Resolves with the attempt's outcome; a failed one first gets its pod's log tail, if it can be read. */
  hand(a: AttemptView, tail: LogTailSource | undefined): void {
    const outcome = outcomeOf(a);
    const pod = a.podName;
    if (outcome.ok || !tail || pod === undefined) return this.resolve(outcome);
    this.claimed = true;
    const onError = (err: unknown) => tail.onError(pod, err);
    void withLogTail(outcome, pod, tail.logs, { timeoutMs: tail.timeoutMs, signal: this.req.signal, onError }).then((o) => this.resolve(o));
  }
}

export function cancelled(): ExecutionOutcome {
  return { ok: false, exitCode: null, cancelled: true, error: "cancelled" };
}
