// Runs an attempt as a shell command on this machine. Each attempt leads its
// own process group (spawned detached), and the attempt owns that group: on
// timeout or cancellation, and also once the shell exits, whatever is left in
// it gets SIGTERM, then SIGKILL after the grace period. So a task cannot leave
// background processes behind, or hold the attempt open through an inherited
// pipe. The shell is started by a ProcessLauncher: from this process, or by a
// spawner process (spawner/spawner.ts); everything else happens here.

import { resolve as resolvePath } from "node:path";
import type { ExecutionOutcome, ExecutionRequest, Executor } from "../engine/executor.js";
import type { PlanUnit } from "../core/task.js";
import { checkLocalRun } from "./local-preflight.js";
import { DEFAULT_TAIL_BYTES, OutputTail } from "./output-tail.js";
import { expandCommand } from "./command-template.js";
import { attemptProcesses, killAll } from "./attempt-processes.js";
import { directLauncher, type ProcessLauncher } from "./process-launcher.js";
import { ProtocolParser, type ProtocolEvent } from "./task-protocol.js";
import { LineSplitter } from "./line-splitter.js";

export interface LocalProcessOptions {
  /**
   * Command template run with `shell -c`, used when the task has no command of
   * its own. `{id}` and `{title}` expand (in either) to single-quoted shell
   * words, safe for any content: write `run {id}`, not `run '{id}'`.
   */
  command?: string;
  cwd?: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** Default /bin/sh. */
  shell?: string;
  /** Time between SIGTERM and SIGKILL. Default 2000. */
  killGraceMs?: number;
  /** Bytes of stdout, and of stderr, kept for the outcome. Default 64 KiB. */
  tailBytes?: number;
  /**
   * Starts the shell: by default from this process; a shared Spawner
   * (spawner/spawner.ts) forks faster once this process has grown.
   */
  launcher?: ProcessLauncher;
}

export class LocalProcessExecutor implements Executor {
  readonly name = "local-process";

  /** Absolute: the spawner process does not follow this process's chdir. */
  private readonly cwd: string;

  constructor(private readonly options: LocalProcessOptions = {}) {
    this.cwd = resolvePath(options.cwd ?? ".");
  }

  /** Refuses, before the run is recorded, a working folder that is not there or a task with nothing to run. */
  preflight(units: readonly PlanUnit[]): void {
    checkLocalRun(units, { ...(this.options.command ? { command: this.options.command } : {}), cwd: this.cwd, cwdGiven: this.options.cwd });
  }

  execute(request: ExecutionRequest): Promise<ExecutionOutcome> {
    const template = request.command ?? this.options.command;
    if (!template) {
      return Promise.resolve({
        ok: false,
        exitCode: null,
        error: `no command for task ${request.taskId}: give the task a command or the executor a command template`,
      });
    }
    if (request.signal.aborted) return Promise.resolve({ ok: false, exitCode: null, cancelled: true, error: "cancelled" });
    return new Promise((resolve) => this.run(expandCommand(template, request), request, resolve));
  }

  private run(command: string, request: ExecutionRequest, resolve: (outcome: ExecutionOutcome) => void): void {
    const { cwd, shell = "/bin/sh", killGraceMs = 2000, tailBytes = DEFAULT_TAIL_BYTES, launcher = directLauncher } = this.options;

    const stdoutTail = new OutputTail(tailBytes);
    const stderrTail = new OutputTail(tailBytes);
    let result: { value: unknown } | undefined;
    const parser = new ProtocolParser((event: ProtocolEvent) => {
      if (event.kind === "result") result = { value: event.value };
      else if (event.kind === "malformed") {
        stderrTail.push(`conveyor: malformed protocol line ignored (${event.reason}): ${event.line}\n`);
      } else {
        // Runs inside a stream handler, where a throw would crash the whole engine.
        try {
          request.onProgress?.(event.fraction, event.message);
        } catch (err) {
          stderrTail.push(`conveyor: progress listener failed: ${(err as Error)?.message ?? String(err)}\n`);
        }
      }
    });

    // the live log (engine/task-logs.ts), when someone may follow it
    const onOutput = request.onOutput;
    const outLines = onOutput && new LineSplitter((lines) => onOutput("stdout", lines));
    const errLines = onOutput && new LineSplitter((lines) => onOutput("stderr", lines));

    let pid: number | undefined;
    let stopped: "timedOut" | "cancelled" | undefined;
    let exited = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    /** Signals every process in the group; false when none is left (ESRCH) or it has not started yet. */
    const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
      if (pid === undefined) return false;
      try {
        process.kill(-pid, signal);
        return true;
      } catch {
        return false;
      }
    };
    const terminateGroup = (): void => {
      if (killTimer || !signalGroup("SIGTERM")) return;
      killTimer = setTimeout(() => {
        signalGroup("SIGKILL");
        // A process that left the group (setsid) may still hold our pipes.
        task.destroyOutput();
      }, killGraceMs);
    };
    const stop = (reason: "timedOut" | "cancelled"): void => {
      if (stopped || exited) return;
      stopped = reason;
      terminateGroup();
    };

    const env = { ...this.options.env, ...taskEnv(request) };
    const timeout = request.timeoutMs === undefined ? undefined : setTimeout(() => stop("timedOut"), request.timeoutMs);
    const onAbort = (): void => stop("cancelled");
    request.signal.addEventListener("abort", onAbort, { once: true });
    const detach = (): void => {
      clearTimeout(timeout);
      request.signal.removeEventListener("abort", onAbort);
    };

    const finish = (outcome: ExecutionOutcome): void => {
      if (settled) return;
      settled = true;
      detach();
      // Keep the SIGKILL timer only while something in the group may still need it.
      if (killTimer && !signalGroup(0)) clearTimeout(killTimer);
      resolve(outcome);
    };
    const tails = () => ({ stdoutTail: stdoutTail.toString(), stderrTail: stderrTail.toString(), ...(result && { result: result.value }) });

    const task = launcher.launch(
      { shell, command, cwd: this.cwd, env },
      {
        started: (p) => {
          pid = p;
          // Stopped while the start was on its way (through the spawner).
          if (stopped) terminateGroup();
        },
        stdout: (chunk) => {
          stdoutTail.push(chunk);
          parser.push(chunk);
          outLines?.push(chunk);
        },
        stderr: (chunk) => {
          stderrTail.push(chunk);
          errLines?.push(chunk);
        },
        exit: () => {
          exited = true;
          detach();
          terminateGroup();
        },
        close: (code, signal) => {
          parser.end();
          outLines?.end();
          errLines?.end();
          const base: ExecutionOutcome = { ok: false, exitCode: code, ...tails() };
          if (stopped === "timedOut") finish({ ...base, timedOut: true, error: `timed out after ${request.timeoutMs} ms` });
          else if (stopped === "cancelled") finish({ ...base, cancelled: true, error: "cancelled" });
          else if (signal) finish({ ...base, error: `killed by signal ${signal}` });
          else if (code !== 0) finish({ ...base, error: `exited with code ${code}` });
          else finish({ ...base, ok: true });
        },
        startFailed: (message) =>
          finish({ ok: false, exitCode: null, error: `failed to start ${shell}${cwd ? ` in ${cwd}` : ""}: ${message}` }),
        lost: (message) => {
          // Whatever still runs of it must not overlap a retry; without its pid (the spawner
          // died before reporting it) its processes are found by the attempt's environment.
          if (pid === undefined) killAll(attemptProcesses(attemptMarks(env)));
          else terminateGroup();
          finish({ ok: false, exitCode: null, error: message, ...tails() });
        },
      },
    );
  }
}

/** What tells one attempt's processes from all others. */
const attemptMarks = (env: Record<string, string>) => ({
  CONVEYOR_RUN_ID: env.CONVEYOR_RUN_ID!,
  CONVEYOR_TASK_ID: env.CONVEYOR_TASK_ID!,
  CONVEYOR_ATTEMPT: env.CONVEYOR_ATTEMPT!,
});

function taskEnv(request: ExecutionRequest): Record<string, string> {
  return {
    CONVEYOR_RUN_ID: request.runId,
    CONVEYOR_TASK_ID: request.taskId,
    CONVEYOR_TASK_TITLE: request.title,
    CONVEYOR_TASK_JSON: JSON.stringify(request.definition),
    CONVEYOR_ATTEMPT: String(request.attempt),
    // the attempt's span (tracing on), so the task's own spans join the run's trace
    ...(request.traceparent !== undefined ? { TRACEPARENT: request.traceparent } : {}),
  };
}
