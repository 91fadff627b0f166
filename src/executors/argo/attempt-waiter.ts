// One execute() call waiting for its Argo attempt. It resolves with the
// attempt's outcome (a failed one after its pod's log tail, when that can be
// read), or as cancelled when its signal aborts before its attempt is chosen:
// a cancel or this process stopping, which leave the Workflow alone either way.
// While its attempt's pod runs and someone watches its live log (on any
// replica: task-logs.ts), it follows the pod's log; nobody watching, no log
// stream is open.
import type { ExecutionOutcome, ExecutionRequest } from "../../engine/executor.js";
import { outcomeOf, type AttemptView } from "./node-mapper.js";
import { PodLogFollower, type PodLogStream } from "./pod-log-follower.js";
import { withLogTail, type PodLogReader } from "./pod-logs.js";

/** Where running attempts' logs are followed from. */
export interface LiveLogSource {
  stream: PodLogStream;
  retryDelayMs: number;
  onError(podName: string, err: unknown): void;
}

/** A settled attempt's log stream has usually ended with its container; it gets this long to. */
const DRAIN_MS = 2_000;
/** What a watcher coming to a running pod gets of what it printed before: at most the engine's ring holds. */
const BACKLOG_LINES = 1_000;

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
  private follower: PodLogFollower | undefined;
  private followedPod: string | undefined;
  /** Stops hearing whether the log is watched. */
  private unwatch: (() => void) | undefined;
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
    this.unwatch?.();
    this.unwatch = undefined;
    void this.follower?.stop(0);
    this.follower = undefined;
    this.req.signal.removeEventListener("abort", this.onAbort);
    this.settle(o);
  }

  /** Reports the running attempt's progress when it changed. */
  progress(fraction: number | undefined): void {
    if (fraction === undefined || fraction === this.lastProgress) return;
    this.lastProgress = fraction;
    this.req.onProgress?.(fraction);
  }

  /**
   * Follows the running attempt's pod log, from the first time its pod is seen
   * running, when someone takes the output: while it is watched, when the
   * request tells (else all the while).
   */
  follow(podName: string | undefined, live: LiveLogSource | undefined): void {
    const onOutput = this.req.onOutput;
    if (podName === undefined || !live || !onOutput || this.followedPod === podName) return;
    this.unwatch?.();
    this.unwatch = undefined;
    void this.follower?.stop(0);
    this.follower = undefined;
    this.followedPod = podName;
    let warned = false;
    const start = () =>
      new PodLogFollower(live.stream, podName, (lines) => onOutput("stdout", lines), {
        retryDelayMs: live.retryDelayMs,
        backlogLines: BACKLOG_LINES,
        // once per pod: a pod that is not up yet is asked again, quietly
        onError: (err) => warned || ((warned = true), live.onError(podName, err)),
      });
    const watchOutput = this.req.watchOutput;
    if (!watchOutput) return void (this.follower = start());
    this.unwatch = watchOutput((watched) => {
      if (!watched) this.follower?.pause();
      else if (this.follower) this.follower.resume();
      else this.follower = start();
    });
  }

  /** Resolves with the attempt's outcome (after its followed log drained); a failed one first gets its pod's log tail, if it can be read. */
  hand(a: AttemptView, tail: LogTailSource | undefined): void {
    // a watcher coming now is too late for a stream: the attempt's log is its stored tail
    this.unwatch?.();
    this.unwatch = undefined;
    const follower = this.follower;
    if (!follower) return this.handNow(a, tail);
    this.follower = undefined;
    this.claimed = true;
    void follower.stop(a.podName === this.followedPod ? DRAIN_MS : 0).then(() => this.handNow(a, tail));
  }

  private handNow(a: AttemptView, tail: LogTailSource | undefined): void {
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
