// conveyor status and conveyor runs: what the store says about runs.
import type { Settings } from "../../config.js";
import { listSome } from "../../core/list-text.js";
import { RUN_STATES, storedStatusesFor, type RunState } from "../../core/run-state.js";
import type { RunStore, StoredUnit } from "../../engine/store.js";
import { formatDuration } from "../durations.js";
import { summary, type Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { indented, lastLines } from "../output-lines.js";
import { progressLine } from "../progress-view.js";
import { resolveRunId } from "../run-ids.js";
import { UsageError } from "../usage-error.js";

/** Lines of stderr shown under a failed task, and how many failed tasks get them. */
const STDERR_LINES = 5;
const STDERR_TASKS = 20;

export const table = (rows: string[][]): string[] => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd(),
  );
};

/** The end of the stderr of each failed task's last attempt, by task index. */
async function failedStderr(store: RunStore, runId: string, units: StoredUnit[]): Promise<Map<number, string[]>> {
  const tails = new Map<number, string[]>();
  for (const u of units.filter((u) => u.state.status === "failed").slice(0, STDERR_TASKS)) {
    const attempts = await store.listAttempts(runId, u.state.index);
    const lines = lastLines(attempts.at(-1)?.stderrTail ?? null, STDERR_LINES);
    if (lines.length > 0) tails.set(u.state.index, lines);
  }
  return tails;
}

export async function statusCommand(
  runText: string,
  opts: { json?: boolean; all?: boolean },
  out: Output,
  settings?: Settings,
): Promise<number> {
  return withApp(
    async (app) => {
      const store = app.engine.store;
      const runId = await resolveRunId(store, runText);
      const run = (await store.getRun(runId))!;
      const units = await store.loadUnits(runId);
      const progress = await app.engine.progress(runId, { perTask: opts.json === true });
      const state = app.engine.runState(run);
      if (opts.json) {
        out.write(
          `${JSON.stringify({ run: { ...run, state }, progress, tasks: units.map((u) => ({ id: u.id, title: u.title, ...u.state })) }, null, 2)}\n`,
        );
        return 0;
      }
      out.write(summary({ ...run, status: state }));
      if (state === "interrupted") out.write(`  its driver is gone; continue it with: conveyor resume ${run.id}\n`);
      if (run.archivedAt !== null)
        out.write(`  archived ${new Date(run.archivedAt).toISOString().slice(0, 19)}: read from its archive, it cannot be resumed\n`);
      out.write(`${progressLine(progress)}\n\n`);
      // by default the tasks worth a look; --all lists every one
      const shown = opts.all ? units : units.filter((u) => u.state.status !== "succeeded" || u.state.attempts > 1);
      const stderr = await failedStderr(store, runId, shown);
      const rows = [["TASK", "STATUS", "ATTEMPTS", "TIME", "TITLE / ERROR"]];
      for (const u of shown) {
        const s = u.state;
        const took = s.startedAt !== null && s.finishedAt !== null ? formatDuration(s.finishedAt - s.startedAt) : "";
        const status = s.memoized ? "cached" : s.status;
        rows.push([u.id, status, String(s.attempts), took, (s.error ?? u.title).slice(0, 80)]);
      }
      if (rows.length > 1) {
        const lines = table(rows);
        out.write(`${lines[0]}\n`);
        shown.forEach((u, i) => out.write(`${lines[i + 1]}\n${indented(stderr.get(u.state.index) ?? [])}`));
      }
      const failed = shown.filter((u) => u.state.status === "failed").length;
      if (failed > STDERR_TASKS)
        out.write(`(stderr shown for the first ${STDERR_TASKS} failed tasks; conveyor logs ${runId} lists them all)\n`);
      if (!opts.all && shown.length < units.length)
        out.write(`(${units.length - shown.length} succeeded tasks not shown; --all lists them)\n`);
      return 0;
    },
    { settings },
  );
}

export async function runsCommand(
  opts: { status?: string; limit: string; json?: boolean },
  out: Output,
  settings?: Settings,
): Promise<number> {
  const statuses = opts.status?.split(",").map((s) => s.trim()) ?? [];
  const bad = statuses.filter((s) => !RUN_STATES.includes(s as RunState));
  if (bad.length) throw new UsageError(`--status: unknown ${listSome(bad)} (one of ${RUN_STATES.join(", ")})`);
  const limit = Number(opts.limit);
  if (!/^\s*\d+\s*$/.test(opts.limit) || limit < 1) throw new UsageError(`--limit: "${opts.limit}" is not a positive whole number`);
  return withApp(
    async (app) => {
      const wanted = statuses as RunState[];
      // interrupted runs are stored as running or pending: read those, keep what is asked for
      const runs = (await app.engine.store.listRuns({ ...(wanted.length ? { statuses: storedStatusesFor(wanted) } : {}), limit }))
        .map((r) => ({ ...r, state: app.engine.runState(r) }))
        .filter((r) => wanted.length === 0 || wanted.includes(r.state));
      if (opts.json) {
        out.write(`${JSON.stringify(runs, null, 2)}\n`);
        return 0;
      }
      if (runs.length === 0) {
        out.write("no runs\n");
        return 0;
      }
      const rows = [["RUN", "STATUS", "TASKS", "OK", "FAILED", "CREATED", "SOURCE"]];
      for (const r of runs) {
        rows.push([
          r.id,
          r.state,
          String(r.total),
          String(r.succeeded),
          String(r.failed),
          new Date(r.createdAt).toISOString().slice(0, 19),
          r.source.origin,
        ]);
      }
      out.write(`${table(rows).join("\n")}\n`);
      return 0;
    },
    { settings },
  );
}
