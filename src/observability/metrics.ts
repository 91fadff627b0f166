// Prometheus metrics, one registry per server. Engine facts are counted from the
// events this process's engine publishes (see MeteredBus), so each replica
// reports what it did and sums across replicas are right.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { EventBus, RunEvent } from "../engine/ports.js";
import { isRunEventsTopic, type Topic } from "../engine/topics.js";

export interface ApiMetrics {
  registry: Registry;
  runsStarted: Counter;
  runsFinished: Counter<"status">;
  tasksFinished: Counter<"status">;
  taskDuration: Histogram<"status">;
  attempts: Counter;
  retries: Counter;
  checkpoints: Counter<"reason">;
  checkpointDuration: Histogram<"reason">;
  recoveryDuration: Histogram;
  activeRuns: Gauge;
  runningTasks: Gauge;
  eventsPublished: Counter<"type">;
  activeSubscriptions: Gauge;
  operationDuration: Histogram<"operation" | "type">;
  httpRequests: Counter<"route" | "status">;
  /** What the live gauges read at scrape time (set by MeteredBus). */
  live: { activeRuns: () => number; runningTasks: () => number };
}

export function createMetrics(opts: { defaults?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  // prom-client names its defaults process_* and nodejs_*: the prefix adds only ours
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry, prefix: "conveyor_" });
  const r = { registers: [registry] };
  const live = { activeRuns: () => 0, runningTasks: () => 0 };
  const seconds = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800];
  return {
    registry,
    runsStarted: new Counter({ ...r, name: "conveyor_runs_started_total", help: "Runs started or resumed by this process" }),
    runsFinished: new Counter({ ...r, name: "conveyor_runs_finished_total", help: "Runs finished, by status", labelNames: ["status"] }),
    tasksFinished: new Counter({ ...r, name: "conveyor_tasks_finished_total", help: "Tasks settled, by status", labelNames: ["status"] }),
    taskDuration: new Histogram({
      ...r,
      name: "conveyor_task_duration_seconds",
      help: "Task attempt durations",
      labelNames: ["status"],
      buckets: seconds,
    }),
    attempts: new Counter({ ...r, name: "conveyor_task_attempts_total", help: "Task attempts started" }),
    retries: new Counter({ ...r, name: "conveyor_task_retries_total", help: "Attempts that failed and will be retried" }),
    checkpoints: new Counter({ ...r, name: "conveyor_checkpoints_total", help: "Checkpoints taken, by reason", labelNames: ["reason"] }),
    checkpointDuration: new Histogram({
      ...r,
      name: "conveyor_checkpoint_duration_seconds",
      help: "Time from a checkpoint's snapshot to its commit, by reason (interval, on demand, final)",
      labelNames: ["reason"],
      buckets: seconds,
    }),
    recoveryDuration: new Histogram({
      ...r,
      name: "conveyor_recovery_duration_seconds",
      help: "Time to take over orphaned runs at start",
      buckets: seconds,
    }),
    activeRuns: new Gauge({
      ...r,
      name: "conveyor_active_runs",
      help: "Runs this process drives now",
      collect() {
        this.set(live.activeRuns());
      },
    }),
    runningTasks: new Gauge({
      ...r,
      name: "conveyor_running_tasks",
      help: "Tasks running in this process now",
      collect() {
        this.set(live.runningTasks());
      },
    }),
    eventsPublished: new Counter({ ...r, name: "conveyor_events_published_total", help: "Run events published", labelNames: ["type"] }),
    activeSubscriptions: new Gauge({ ...r, name: "conveyor_active_subscriptions", help: "GraphQL subscriptions open now" }),
    operationDuration: new Histogram({
      ...r,
      name: "conveyor_graphql_operation_duration_seconds",
      help: "GraphQL operation execution time",
      labelNames: ["operation", "type"],
      buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5],
    }),
    httpRequests: new Counter({
      ...r,
      name: "conveyor_http_requests_total",
      help: "HTTP requests, by route and status",
      labelNames: ["route", "status"],
    }),
    live,
  };
}

/**
 * An event bus that meters what passes through it. The engine publishes only
 * what it committed, so wrapping the bus it is given counts this process's own
 * runs and tasks without touching the engine.
 */
export class MeteredBus implements EventBus {
  private readonly running = new Set<string>();
  private readonly active = new Set<string>();

  constructor(
    private readonly inner: EventBus,
    private readonly m: ApiMetrics,
    /** Whether this process still drives a run (a stopped engine publishes no "finished"). */
    isActive: (runId: string) => boolean = () => true,
  ) {
    const { running, active } = this;
    m.live.activeRuns = () => {
      for (const id of active) if (!isActive(id)) active.delete(id);
      return active.size;
    };
    m.live.runningTasks = () => {
      for (const key of running) if (!isActive(key.slice(0, key.indexOf("/")))) running.delete(key);
      return running.size;
    };
  }

  publish<T>(topic: Topic<T>, messages: readonly NoInfer<T>[]): void {
    // a run's topic carries its events (topics.ts)
    if (isRunEventsTopic(topic)) for (const e of messages as readonly RunEvent[]) this.observe(e);
    this.inner.publish(topic, messages);
  }

  subscribe<T>(topic: Topic<T>, listener: (messages: readonly T[]) => void): () => void {
    return this.inner.subscribe(topic, listener);
  }

  subscribed(topic: Topic<unknown>): Promise<void> {
    return this.inner.subscribed?.(topic) ?? Promise.resolve();
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }

  private observe(e: RunEvent): void {
    const m = this.m;
    m.eventsPublished.inc({ type: e.type });
    const key = `${e.runId}/${e.taskId}`;
    switch (e.type) {
      case "run.started":
      case "run.resumed": // a resume, after a pause or after the run settled
        m.runsStarted.inc();
        this.active.add(e.runId);
        return;
      case "run.finished":
        m.runsFinished.inc({ status: e.data.status });
        this.active.delete(e.runId);
        return;
      case "run.checkpoint":
        m.checkpoints.inc({ reason: e.data.reason });
        // the event is made with the snapshot, just before the commit that writes both, and published once it is durable
        m.checkpointDuration.observe({ reason: e.data.reason }, Math.max(0, Date.now() - e.at) / 1000);
        return;
      case "task.started":
        m.attempts.inc();
        this.running.add(key);
        return;
      case "task.retrying":
        m.retries.inc();
        this.running.delete(key);
        m.taskDuration.observe({ status: "retrying" }, e.data.durationMs / 1000);
        return;
      case "task.succeeded":
      case "task.failed":
      case "task.cancelled":
        return this.taskEnded(key, e.type, e.data.durationMs);
      case "task.memoized":
      case "task.skipped":
        return this.taskEnded(key, e.type, undefined);
    }
  }

  private taskEnded(key: string, type: `task.${string}`, durationMs: number | undefined): void {
    const status = type.slice("task.".length);
    this.m.tasksFinished.inc({ status });
    this.running.delete(key);
    if (durationMs !== undefined) this.m.taskDuration.observe({ status }, durationMs / 1000);
  }
}
