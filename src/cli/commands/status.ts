import { parseArgs } from "node:util";
import { RUN_STATES, storedStatusesFor, type RunState } from "../../core/run-state.js";
import { formatDuration } from "../durations.js";
import { summary, type Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { progressLine } from "../progress-view.js";
import { UsageError } from "../usage-error.js";

const table = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n") + "\n";
};

export async function statusCommand(args: string[], out: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: "boolean" }, all: { type: "boolean" } },
    allowPositionals: true,
  });
  const [runId] = positionals;
  if (!runId || positionals.length > 1) throw new UsageError("usage: conveyor status <run-id> [--all] [--json]");
  return withApp(async (app) => {
    const run = await app.engine.store.getRun(runId);
    if (!run) {
      out.error(`run not found: ${runId}\n`);
      return 1;
    }
    const units = await app.engine.store.loadUnits(runId);
    const progress = await app.engine.progress(runId, { perTask: values.json === true });
    const state = app.engine.runState(run);
    if (values.json) {
      out.write(`${JSON.stringify({ run: { ...run, state }, progress, tasks: units.map((u) => ({ id: u.id, title: u.title, ...u.state })) }, null, 2)}\n`);
      return 0;
    }
    out.write(summary({ ...run, status: state }));
    if (state === "interrupted") out.write(`  its driver is gone; continue it with: conveyor resume ${run.id}\n`);
    out.write(`${progressLine(progress)}\n\n`);
    // by default the tasks worth a look; --all lists every one
    const shown = values.all ? units : units.filter((u) => u.state.status !== "succeeded" || u.state.attempts > 1);
    const rows = [["TASK", "STATUS", "ATTEMPTS", "TIME", "TITLE / ERROR"]];
    for (const u of shown) {
      const s = u.state;
      const took = s.startedAt !== null && s.finishedAt !== null ? formatDuration(s.finishedAt - s.startedAt) : "";
      const status = s.memoized ? "cached" : s.status;
      rows.push([u.id, status, String(s.attempts), took, (s.error ?? u.title).slice(0, 80)]);
    }
    if (rows.length > 1) out.write(table(rows));
    if (!values.all && shown.length < units.length) out.write(`(${units.length - shown.length} succeeded tasks not shown; --all lists them)\n`);
    return 0;
  });
}

export async function runsCommand(args: string[], out: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { status: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } },
  });
  const statuses = values.status?.split(",").map((s) => s.trim()) ?? [];
  const bad = statuses.filter((s) => !RUN_STATES.includes(s as RunState));
  if (bad.length) throw new UsageError(`--status: unknown ${bad.join(", ")} (one of ${RUN_STATES.join(", ")})`);
  const limit = values.limit !== undefined ? Number(values.limit) : 20;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: "${values.limit}" is not a positive whole number`);
  return withApp(async (app) => {
    const wanted = statuses as RunState[];
    // interrupted runs are stored as running or pending: read those, keep what is asked for
    const runs = (await app.engine.store.listRuns({ ...(wanted.length ? { statuses: storedStatusesFor(wanted) } : {}), limit }))
      .map((r) => ({ ...r, state: app.engine.runState(r) }))
      .filter((r) => wanted.length === 0 || wanted.includes(r.state));
    if (values.json) {
      out.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      out.write("no runs\n");
      return 0;
    }
    const rows = [["RUN", "STATUS", "TASKS", "OK", "FAILED", "CREATED", "SOURCE"]];
    for (const r of runs) {
      rows.push([r.id, r.state, String(r.total), String(r.succeeded), String(r.failed), new Date(r.createdAt).toISOString().slice(0, 19), r.source.origin]);
    }
    out.write(table(rows));
    return 0;
  });
}
