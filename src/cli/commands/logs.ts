// conveyor logs: the output the engine kept of a task's attempts (the last
// 64 KiB of stdout and of stderr each, src/executors/output-tail.ts), or, for a
// whole run, its failed tasks with the end of their stderr.
import { withFlag, type Settings } from "../../config.js";
import { TaskNotFoundError } from "../../core/errors.js";
import type { AttemptRecord, RunStore, StoredUnit } from "../../engine/store.js";
import { formatDuration } from "../durations.js";
import type { Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { indented, lastLines, printable } from "../output-lines.js";
import { resolveRunId } from "../run-ids.js";
import { UsageError } from "../usage-error.js";

export interface LogsFlags {
  attempt?: string;
  lines: string;
  json?: boolean;
  follow?: boolean;
  server?: string;
  token?: string;
}

const whole = (text: string, flag: string): number => {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) throw new UsageError(`${flag}: "${text}" is not a positive whole number`);
  return Number(text);
};

export async function logsCommand(
  runText: string,
  taskId: string | undefined,
  f: LogsFlags,
  out: Output,
  settings: Settings,
): Promise<number> {
  if (f.follow) return followLive(runText, taskId, f, out, settings);
  if (f.server !== undefined) throw new UsageError("--server is for --follow; stored output is read from the store");
  const attempt = f.attempt !== undefined ? whole(f.attempt, "--attempt") : undefined;
  const lines = whole(f.lines, "--lines");
  if (attempt !== undefined && taskId === undefined)
    throw new UsageError("--attempt needs a task: conveyor logs <run> <task> --attempt <n>");
  return withApp(
    async (app) => {
      const store = app.engine.store;
      const runId = await resolveRunId(store, runText);
      const units = await store.loadUnits(runId);
      if (taskId === undefined) return failedTasks(store, runId, units, lines, f.json === true, out);
      const unit = units.find((u) => u.id === taskId);
      if (!unit) throw new TaskNotFoundError(runId, taskId);
      let attempts = await store.listAttempts(runId, unit.state.index);
      if (attempt !== undefined) {
        attempts = attempts.filter((a) => a.number === attempt);
        if (attempts.length === 0)
          throw new UsageError(`task ${taskId} of run ${runId} has no attempt ${attempt} (it has ${unit.state.attempts})`);
      }
      if (f.json) {
        out.write(
          `${JSON.stringify(
            attempts.map((a) => ({ taskId, ...a })),
            null,
            2,
          )}\n`,
        );
        return 0;
      }
      if (attempts.length === 0) out.write(`task ${taskId} has no attempts in run ${runId} (it is ${unit.state.status})\n`);
      for (const a of attempts) out.write(attemptText(taskId, a));
      return 0;
    },
    { settings },
  );
}

/**
 * Live output from a running server (its taskLogs subscription): the lines so far,
 * then each line as the task prints it, until the attempt ends or Ctrl-C. The
 * server is what runs the task, so the store here is not opened at all.
 */
async function followLive(runId: string, taskId: string | undefined, f: LogsFlags, out: Output, settings: Settings): Promise<number> {
  const server = withFlag(settings, "CONVEYOR_SERVER", "--server", f.server);
  if (server === undefined)
    throw new UsageError("--follow streams output live from a running server: give --server <url> (or set CONVEYOR_SERVER)");
  if (taskId === undefined) throw new UsageError("--follow needs a task: conveyor logs <run> <task> --follow --server <url>");
  if (f.json) throw new UsageError("--json is for stored output; --follow prints lines as they come");
  const attempt = f.attempt !== undefined ? whole(f.attempt, "--attempt") : undefined;
  const token = withFlag(settings, "CONVEYOR_TOKEN", "--token", f.token);
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once("SIGINT", onInterrupt);
  try {
    const { followTaskLogs } = await import("../follow-logs.js");
    await followTaskLogs({
      server,
      runId,
      taskId,
      ...(token ? { token } : {}),
      ...(attempt !== undefined ? { attempt } : {}),
      signal: stop.signal,
      write: (text, stream) => (stream === "stderr" ? out.error(text) : out.write(text)),
    });
    return 0;
  } catch (err) {
    // a server that cannot be reached, a bad URL, a run or task it does not know: the input is wrong
    throw new UsageError(`--follow: ${(err as Error).message}`);
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}

function attemptText(taskId: string, a: AttemptRecord): string {
  const took = a.finishedAt !== null ? `, ${formatDuration(a.finishedAt - a.startedAt)}` : "";
  const exit = a.exitCode !== null ? `, exit code ${a.exitCode}` : "";
  const head = `== task ${taskId} attempt ${a.number}: ${a.status}${exit}${took}, started ${new Date(a.startedAt).toISOString()}\n`;
  const error = a.error && a.exitCode === null ? `   ${printable(a.error)}\n` : "";
  return `${head}${error}${stream("stdout", a.stdoutTail)}${stream("stderr", a.stderrTail)}`;
}

function stream(name: string, tail: string | null): string {
  if (!tail) return `-- ${name}: (empty)\n`;
  return `-- ${name}:\n${tail}${tail.endsWith("\n") ? "" : "\n"}`;
}

async function failedTasks(
  store: RunStore,
  runId: string,
  units: StoredUnit[],
  lines: number,
  json: boolean,
  out: Output,
): Promise<number> {
  const failed = units.filter((u) => u.state.status === "failed");
  const last = new Map<StoredUnit, AttemptRecord | undefined>();
  for (const u of failed) last.set(u, (await store.listAttempts(runId, u.state.index)).at(-1));
  if (json) {
    out.write(
      `${JSON.stringify(
        failed.map((u) => ({ taskId: u.id, ...last.get(u) })),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  if (failed.length === 0) {
    out.write(`no failed tasks in run ${runId}\n`);
    return 0;
  }
  for (const u of failed) {
    const a = last.get(u);
    out.write(`== task ${u.id}: ${u.state.error ?? "failed"}${a ? ` (attempt ${a.number})` : ""}\n`);
    const tail = lastLines(a?.stderrTail ?? null, lines);
    out.write(tail.length > 0 ? indented(tail) : "    (no stderr)\n");
  }
  out.write(`(conveyor logs ${runId} <task> prints a task's whole stored output)\n`);
  return 0;
}
