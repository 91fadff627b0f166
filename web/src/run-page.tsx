// A run: its status and live progress, its controls, the graph, the timeline,
// its tasks, and the chosen task's panel. The tasks are read once (pages of
// 500, side by side), then kept by the run's events (runEventBatches) from the
// last sequence applied, across reconnects; progress comes from runProgress.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api } from "./api.js";
import { RunControls } from "./controls.js";
import { DagView } from "./dag-view.js";
import { navigate } from "./router.js";
import { RunModel } from "./run-model.js";
import { RUN, RUN_EVENTS, RUN_PROGRESS, TASK_PAGE } from "./queries.js";
import { finished, look, TASK_STATUSES } from "./status.js";
import { TaskPanel } from "./task-panel.js";
import { Timeline } from "./timeline.js";
import type { Progress, Run, RunEvent, Task } from "./types.js";
import { ProgressView, StatusBadge, when } from "./widgets.js";

const PAGE = 500;

async function loadTasks(runId: string, total: number): Promise<Task[]> {
  type Page = { run: { tasks: { edges: { node: Task }[]; pageInfo: { hasNextPage: boolean } } } | null };
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const read = (after: string | null) => api.wsQuery<Page>(TASK_PAGE, { id: runId, first: PAGE, after });
  const answers = await Promise.all(Array.from({ length: pages }, (_, k) => read(k === 0 ? null : String(k * PAGE - 1))));
  const tasks = answers.flatMap((a) => a.run?.tasks.edges.map((e) => e.node) ?? []);
  // a run holds as many tasks as when it was planned; this only guards a total read too early
  for (let last = answers[answers.length - 1]; last?.run?.tasks.pageInfo.hasNextPage;) {
    last = await read(String(tasks.length - 1));
    tasks.push(...(last.run?.tasks.edges.map((e) => e.node) ?? []));
  }
  return tasks;
}

export function RunPage({ runId, taskId, canWrite }: { runId: string; taskId: string | null; canWrite: boolean }) {
  const [run, setRun] = useState<Run | null | undefined>(undefined);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [tab, setTab] = useState<"graph" | "timeline" | "tasks">("graph");
  const model = useRef(new RunModel()).current;
  const refreshRun = useRef<() => void>(() => {});

  useEffect(() => {
    let live = true;
    let stopEvents = () => {};
    let reloading = false;
    const readRun = async () => {
      const d = await api.gql<{ run: Run | null }>(RUN, { id: runId });
      if (!live) return null;
      setRun(d.run);
      // the RUN query reads the whole progress
      if (d.run?.progress) setProgress(d.run.progress as Progress);
      return d.run;
    };
    refreshRun.current = () => void readRun().catch((e: Error) => setError(e.message));
    const reload = async () => {
      if (reloading) return;
      reloading = true;
      const r = await readRun();
      if (r) {
        const seq = r.lastSeq;
        model.setTasks(await loadTasks(runId, r.total), seq);
        setVersion((v) => v + 1);
      }
      reloading = false;
    };
    (async () => {
      const t0 = performance.now();
      const r = await readRun();
      performance.measure("run-read", { start: t0, end: performance.now() });
      if (!r || !live) return;
      const t1 = performance.now();
      model.setTasks(await loadTasks(runId, r.total), r.lastSeq);
      performance.measure("tasks-read", { start: t1, end: performance.now() });
      if (!live) return;
      setLoaded(true);
      setVersion((v) => v + 1);
      stopEvents = api.live<{ runEventBatches: RunEvent[] }>(
        RUN_EVENTS,
        () => ({ runId, after: model.lastSeq }),
        ({ runEventBatches: events }) => {
          const reloadNeeded = model.apply(events);
          setVersion((v) => v + 1);
          if (events.some((e) => e.type.startsWith("run.") && e.seq > model.snapshotSeq)) refreshRun.current();
          if (reloadNeeded) void reload().catch((e: Error) => setError(e.message));
        },
        setError,
      );
    })().catch((e: Error) => live && setError(e.message));
    const stopProgress = api.live<{ runProgress: Progress }>(
      RUN_PROGRESS,
      () => ({ runId }),
      (d) => setProgress(d.runProgress),
    );
    return () => {
      live = false;
      stopEvents();
      stopProgress();
    };
  }, [runId]);

  // marks the benchmark reads: the run's header and progress shown, then its tasks
  useEffect(() => {
    if (run && progress && performance.getEntriesByName("conveyor:run-shown").length === 0) performance.mark("conveyor:run-shown");
  }, [run, progress]);
  const external = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const t of model.tasks) {
      if (t.outsideDependencies?.length) m.set(t.taskId, t.outsideDependencies);
    }
    return m;
  }, [runId, loaded, model.tasks.length]);
  const selectedTask = taskId ? model.tasks[model.byId.get(taskId) ?? -1] : undefined;

  if (error && run === undefined)
    return (
      <main id="main">
        <p role="alert">{error}</p>
      </main>
    );
  if (run === undefined)
    return (
      <main id="main">
        <p aria-busy="true">Loading run {runId}…</p>
      </main>
    );
  if (run === null)
    return (
      <main id="main">
        <h1>No run {runId}</h1>
        <p>
          <a href="/">Back to the runs</a>
        </p>
      </main>
    );
  const openTask = (id: string) => navigate(`/runs/${encodeURIComponent(run.id)}/tasks/${encodeURIComponent(id)}`);
  return (
    <main id="main" class={taskId ? "with-panel" : ""}>
      <div class="run-main">
        <nav aria-label="Breadcrumb">
          <a href="/">Runs</a> / <span>{run.id}</span>
        </nav>
        <h1>
          Run <code>{run.id}</code> <StatusBadge status={run.status} testid="run-status" />
        </h1>
        {run.reason && <p class="reason">{run.reason}</p>}
        <p class="meta">
          {run.source.format} {run.source.origin}
          {run.source.selection ? ` · selection ${run.source.selection}` : ""}
          {run.source.tag ? ` · tag ${run.source.tag}` : ""} · created {when(run.createdAt)}
          {run.startedAt ? ` · started ${when(run.startedAt)}` : ""}
          {run.finishedAt ? ` · finished ${when(run.finishedAt)}` : ""}
        </p>
        {error && <p role="alert">{error}</p>}
        {progress && <ProgressView progress={progress} live={!finished(run.status)} />}
        {canWrite && <RunControls run={run} onRun={(r) => (setRun({ ...run, ...r }), refreshRun.current())} />}
        <div role="tablist" aria-label="Views of the run" class="tabs">
          {(["graph", "timeline", "tasks"] as const).map((t) => (
            <button
              type="button"
              role="tab"
              key={t}
              id={`tab-${t}`}
              aria-selected={tab === t}
              aria-controls={`panel-${t}`}
              onClick={() => setTab(t)}
            >
              {t === "graph" ? "Graph" : t === "timeline" ? "Timeline" : "Tasks"}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {!loaded ? (
            <p aria-busy="true">Loading {run.total} tasks…</p>
          ) : tab === "graph" ? (
            <DagView tasks={model.tasks} version={version} selected={taskId} external={external} onSelect={openTask} />
          ) : tab === "timeline" ? (
            <Timeline bars={model.bars} version={version} running={!finished(run.status)} />
          ) : null}
          {loaded && <TaskList tasks={model.tasks} version={version} runId={run.id} compact={tab !== "tasks"} />}
        </div>
      </div>
      {taskId && (
        <TaskPanel
          run={run}
          taskId={taskId}
          version={`${selectedTask?.status}:${selectedTask?.attemptCount}`}
          canWrite={canWrite}
          onClose={() => navigate(`/runs/${encodeURIComponent(run.id)}`)}
          onRun={(r) => (setRun({ ...run, ...r }), refreshRun.current())}
        />
      )}
    </main>
  );
}

const LIST_LIMIT = 200;

function TaskList({ tasks, version, runId, compact }: { tasks: Task[]; version: number; runId: string; compact: boolean }) {
  const [status, setStatus] = useState("");
  const [query, setQuery] = useState("");
  const shown = useMemo(
    () =>
      tasks.filter(
        (t) =>
          (!status || t.status === status) && (!query || t.taskId.startsWith(query) || t.title.toLowerCase().includes(query.toLowerCase())),
      ),
    [tasks, version, status, query],
  );
  return (
    <section aria-labelledby="tasks-title" class="task-list">
      <h2 id="tasks-title">Tasks</h2>
      <div class="filters">
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {TASK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {look(s).label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Find{" "}
          <input type="search" value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} placeholder="id or title" />
        </label>
        <span>
          {shown.length} of {tasks.length}
          {shown.length > (compact ? 20 : LIST_LIMIT) ? `, the first ${compact ? 20 : LIST_LIMIT} listed` : ""}
        </span>
      </div>
      <ul class="tasks">
        {shown.slice(0, compact ? 20 : LIST_LIMIT).map((t) => (
          <li key={t.taskId}>
            <a href={`/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(t.taskId)}`} data-task={t.taskId}>
              <span style={{ color: look(t.status).color }} aria-hidden="true">
                {look(t.status).icon}
              </span>{" "}
              <strong>{t.taskId}</strong> {t.title}{" "}
              <span class="muted">
                ({look(t.status).label}
                {t.memoized ? ", from the cache" : ""})
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
