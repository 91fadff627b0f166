// `conveyor plan` as text: aligned, short for ten tasks, and bounded for
// thousands (long lists end in "… and N more"; --json has everything).
import type { PreviewTask, RunPreview } from "../core/preview.js";
import { formatDuration } from "./durations.js";

/** Rows shown per level, levels shown, skipped and outside tasks shown, critical-path ids shown. */
export const LIMITS = { perLevel: 8, levels: 12, skipped: 10, external: 10, path: 12 } as const;
const TITLE_WIDTH = 56;

export interface PlanHeader {
  origin: string;
  tag?: string;
  selection?: string;
}

const n = (x: number) => x.toLocaleString("en-US");
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;
const more = (x: number, what = "more") => `… and ${n(x)} ${what}`;
const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
const approx = (ms: number | null) => (ms === null ? "unknown" : `~${formatDuration(ms)}`);

export function planText(p: RunPreview, header: PlanHeader): string {
  const lines: string[] = [];
  const where = [header.origin, header.tag !== undefined ? `tag ${header.tag}` : "", header.selection ? `select ${header.selection}` : ""];
  lines.push(`plan: ${where.filter(Boolean).join(", ")}`);
  lines.push(
    `${plural(p.total, "task")}: ${n(p.toRun)} to run, ${n(p.skipped.length)} skipped; --parallel ${n(p.maxParallel)}; nothing recorded`,
  );

  // one id column for every list, so they line up
  const shownTasks = p.levels.slice(0, LIMITS.levels).flatMap((l) => l.tasks.slice(0, LIMITS.perLevel));
  const idWidth = Math.max(4, ...[...shownTasks, ...p.skipped.slice(0, LIMITS.skipped)].map((t) => t.id.length));
  const shownSkips = p.skipped.slice(0, LIMITS.skipped);
  const titleWidth = Math.min(TITLE_WIDTH, Math.max(5, ...[...shownTasks, ...shownSkips].map((t) => t.title.length)));
  const title = (text: string) => clip(text, titleWidth).padEnd(titleWidth);
  const row = (id: string, ...rest: string[]) => `    ${[id.padEnd(idWidth), ...rest].join("  ").trimEnd()}`;

  if (p.levels.length > 0) {
    lines.push("", "to run, by level (a task waits only for tasks in levels above it):");
    for (const { level, tasks } of p.levels.slice(0, LIMITS.levels)) {
      lines.push(`  level ${level}: ${plural(tasks.length, "task")}`);
      for (const t of tasks.slice(0, LIMITS.perLevel)) lines.push(row(t.id, title(t.title), expected(t)));
      if (tasks.length > LIMITS.perLevel) lines.push(`    ${more(tasks.length - LIMITS.perLevel)}`);
    }
    const hidden = p.levels.slice(LIMITS.levels);
    if (hidden.length > 0) {
      const count = hidden.reduce((sum, l) => sum + l.tasks.length, 0);
      lines.push(`  ${more(hidden.length, hidden.length === 1 ? "more level" : "more levels")} (${plural(count, "task")})`);
    }
  }

  if (p.skipped.length > 0) {
    const byReason = countBy(p.skipped.map((s) => s.reason));
    const parts = [
      byReason.get("memoized") && `${n(byReason.get("memoized")!)} from the memo cache`,
      byReason.get("done-in-file") && `${n(byReason.get("done-in-file")!)} done in the file`,
      byReason.get("cancelled-in-file") && `${n(byReason.get("cancelled-in-file")!)} cancelled in the file`,
    ].filter(Boolean);
    const hint = byReason.size > (byReason.has("memoized") ? 1 : 0) ? "; --include-done runs those in the file" : "";
    lines.push("", `skipped: ${plural(p.skipped.length, "task")} (${parts.join(", ")}${hint}):`);
    for (const s of shownSkips) lines.push(row(s.id, title(s.title), s.detail));
    if (p.skipped.length > LIMITS.skipped) lines.push(`    ${more(p.skipped.length - LIMITS.skipped)}`);
  }

  if (p.external.length > 0) {
    const width = Math.max(idWidth, ...p.external.slice(0, LIMITS.external).map((e) => e.id.length));
    lines.push("", `outside the selection: ${plural(p.external.length, "dependency", "dependencies")}, all satisfied:`);
    for (const e of p.external.slice(0, LIMITS.external)) lines.push(`    ${e.id.padEnd(width)}  ${e.detail}`);
    if (p.external.length > LIMITS.external) lines.push(`    ${more(p.external.length - LIMITS.external)}`);
  }

  if (p.toRun > 0) {
    const c = p.criticalPath;
    const basis = c.basis === "duration" ? `by expected duration, ${approx(c.ms)}` : "by task count: no durations known yet";
    lines.push("", `critical path (${basis}, ${plural(c.tasks.length, "task")}): ${pathText(c.tasks)}`);
  }
  lines.push("", etaText(p));
  return `${lines.join("\n")}\n`;
}

function expected(t: PreviewTask): string {
  if (t.kind === "group") return "(group: done when its subtasks are)";
  if (t.expectedMs === null) return "";
  return t.estimate === "history" ? approx(t.expectedMs) : `${approx(t.expectedMs)} (others' mean)`;
}

function pathText(ids: string[]): string {
  if (ids.length <= LIMITS.path) return ids.join(" → ");
  const head = Math.ceil(LIMITS.path / 2);
  const tail = LIMITS.path - head;
  return [...ids.slice(0, head), `… ${n(ids.length - LIMITS.path)} more …`, ...ids.slice(-tail)].join(" → ");
}

function etaText(p: RunPreview): string {
  if (p.toRun === 0) return "ETA: nothing to run";
  if (p.eta.ms === null) return `ETA: unknown at --parallel ${n(p.maxParallel)} (no earlier run of these tasks to time)`;
  const tasks = p.levels.reduce((sum, l) => sum + l.tasks.filter((t) => t.kind === "task").length, 0);
  const basis =
    p.eta.fromMean === 0
      ? "each task timed by its earlier runs"
      : `${n(p.eta.fromHistory)} of ${plural(tasks, "task")} timed by their earlier runs, ${n(p.eta.fromMean)} at the others' mean`;
  return `ETA: ${approx(p.eta.ms)} at --parallel ${n(p.maxParallel)} (${basis})`;
}

function countBy<T>(items: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const x of items) counts.set(x, (counts.get(x) ?? 0) + 1);
  return counts;
}
