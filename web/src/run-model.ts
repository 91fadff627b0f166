// The run page's state, kept from the server's committed events: a task's status
// changes only when an event says so, so the page never shows a state the server
// does not have. Events that reset tasks without naming each (a retry's reopened
// dependents, a task marked by hand, a resume from a checkpoint) ask for a reload.
// Only an event's type, task and time are read, never its payload: a failed task
// that succeeds or is skipped was marked by hand (nothing else settles a failed task).
import type { RunEvent, Task } from "./types.js";

const TASK_STATUS_OF: Record<string, string> = {
  "task.started": "RUNNING",
  "task.succeeded": "SUCCEEDED",
  "task.memoized": "SUCCEEDED",
  "task.failed": "FAILED",
  "task.skipped": "SKIPPED",
  "task.cancelled": "CANCELLED",
  "task.retrying": "RETRYING",
  "task.reopened": "PENDING",
};

/** One attempt as the timeline draws it. */
export interface Bar {
  taskId: string;
  attempt: number;
  start: number;
  end: number | null;
  outcome: string;
}

export class RunModel {
  readonly tasks: Task[] = [];
  readonly byId = new Map<string, number>();
  readonly bars: Bar[] = [];
  private readonly openBar = new Map<string, Bar>();
  private readonly startedCount = new Map<string, number>();
  lastSeq = 0;
  /** Events up to here are already in the task snapshot: they only feed the timeline. */
  snapshotSeq = 0;

  setTasks(tasks: Task[], snapshotSeq: number): void {
    this.tasks.length = 0;
    this.byId.clear();
    for (const t of tasks) {
      this.byId.set(t.taskId, this.tasks.length);
      this.tasks.push(t);
    }
    this.snapshotSeq = Math.max(this.snapshotSeq, snapshotSeq);
  }

  /** Applies events in order; returns true when the tasks must be reloaded. Older or repeated events are ignored. */
  apply(events: RunEvent[]): boolean {
    let reload = false;
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      this.timeline(e);
      if (e.seq <= this.snapshotSeq) continue;
      if (e.type === "task.reopened" || e.type === "run.resumed") reload = true;
      const status = e.taskId ? TASK_STATUS_OF[e.type] : undefined;
      const i = e.taskId ? this.byId.get(e.taskId) : undefined;
      if (!status || i === undefined) continue;
      const t = this.tasks[i]!;
      if (t.status === "FAILED" && (status === "SUCCEEDED" || status === "SKIPPED")) reload = true;
      const at = e.at;
      this.tasks[i] = {
        ...t,
        status,
        ...(e.type === "task.started" ? { startedAt: at, finishedAt: null, attemptCount: t.attemptCount + 1 } : {}),
        ...(["SUCCEEDED", "FAILED", "SKIPPED", "CANCELLED"].includes(status) ? { finishedAt: at } : {}),
        ...(e.type === "task.memoized" ? { memoized: true } : {}),
      };
    }
    return reload;
  }

  private timeline(e: RunEvent): void {
    if (!e.taskId) return;
    const at = Date.parse(e.at);
    if (e.type === "task.started") {
      const attempt = (this.startedCount.get(e.taskId) ?? 0) + 1;
      this.startedCount.set(e.taskId, attempt);
      const bar: Bar = { taskId: e.taskId, attempt, start: at, end: null, outcome: "RUNNING" };
      this.openBar.set(e.taskId, bar);
      this.bars.push(bar);
      return;
    }
    const outcome = TASK_STATUS_OF[e.type];
    const bar = this.openBar.get(e.taskId);
    if (!bar || !outcome || outcome === "RUNNING" || outcome === "PENDING") return;
    bar.end = at;
    bar.outcome = outcome === "RETRYING" ? "FAILED" : outcome;
    this.openBar.delete(e.taskId);
  }
}
