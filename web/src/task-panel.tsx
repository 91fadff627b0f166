// One task: as Task Master has it, its attempts, its memo key and cache origin,
// its controls (retry, mark done or skipped) and its live log.
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";
import { LogView } from "./log-view.js";
import { mutate, type Outcome } from "./mutate.js";
import { MARK, RETRY, TASK_DETAIL } from "./queries.js";
import { look } from "./status.js";
import type { Run, TaskDetail } from "./types.js";

const duration = (ms: number | null) => (ms === null ? "—" : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const field = (d: Record<string, unknown>, k: string) => (d[k] === undefined || d[k] === null || d[k] === "" ? null : String(d[k]));

interface Props {
  run: Run;
  taskId: string;
  /** Bumped when the task's status changes, to read it again. */
  version: string;
  canWrite: boolean;
  onClose(): void;
  onRun(r: Run): void;
}

export function TaskPanel({ run, taskId, version, canWrite, onClose, onRun }: Props) {
  const [task, setTask] = useState<TaskDetail | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    api
      .gql<{ run: { task: TaskDetail | null } | null }>(TASK_DETAIL, { id: run.id, taskId })
      .then((d) => live && setTask(d.run?.task ?? null))
      .catch((e: Error) => live && setError(e.message));
    return () => void (live = false);
  }, [run.id, taskId, version]);
  useEffect(() => setOutcome(null), [taskId]);
  const act = async (query: string, vars: Record<string, unknown>, done: string) => {
    setBusy(true);
    const o = await mutate(query, { runId: run.id, taskId, ...vars }, done);
    setBusy(false);
    setOutcome(o);
    if (o.answer?.run) onRun(o.answer.run);
  };
  if (error)
    return (
      <aside class="task-panel">
        <p role="alert">{error}</p>
      </aside>
    );
  if (task === undefined) return <aside class="task-panel">Loading task {taskId}…</aside>;
  if (task === null)
    return (
      <aside class="task-panel">
        <p role="alert">No task {taskId} in this run.</p>
      </aside>
    );
  const d = task.definition ?? {};
  const outside = task.outsideDependencies ?? [];
  const l = look(task.status);
  return (
    <aside class="task-panel" aria-labelledby="task-title" data-testid="task-panel">
      <div class="panel-head">
        <h2 id="task-title">
          Task {task.taskId}: {task.title}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close the task panel">
          ✕
        </button>
      </div>
      <p>
        <span class="badge" style={{ borderColor: l.color, color: l.color }} data-testid="task-status">
          {l.icon} {l.label}
        </span>{" "}
        {task.kind === "group" ? "group of subtasks · " : ""}
        {task.attemptCount} attempt{task.attemptCount === 1 ? "" : "s"} · {duration(task.durationMs)}
      </p>
      {canWrite && (
        <div class="buttons">
          {(task.status === "FAILED" || task.status === "CANCELLED") && (
            <button type="button" disabled={busy} onClick={() => act(RETRY, {}, "Retrying")}>
              ↻ Retry task
            </button>
          )}
          {task.status === "FAILED" && (
            <>
              <button type="button" disabled={busy} onClick={() => act(MARK, { as: "DONE" }, "Marked done")}>
                ✓ Mark done
              </button>
              <button type="button" disabled={busy} onClick={() => act(MARK, { as: "SKIPPED" }, "Marked skipped")}>
                ⤼ Mark skipped
              </button>
            </>
          )}
        </div>
      )}
      {outcome && (
        <p role="status" class={outcome.ok ? "ok" : "error"} data-testid="task-answer">
          {outcome.message}
        </p>
      )}
      <dl class="fields">
        {field(d, "description") && (
          <>
            <dt>Description</dt>
            <dd>{field(d, "description")}</dd>
          </>
        )}
        {field(d, "details") && (
          <>
            <dt>Details</dt>
            <dd class="pre">{field(d, "details")}</dd>
          </>
        )}
        {field(d, "testStrategy") && (
          <>
            <dt>Test strategy</dt>
            <dd class="pre">{field(d, "testStrategy")}</dd>
          </>
        )}
        <dt>Dependencies</dt>
        <dd>
          {task.dependencies.length ? task.dependencies.join(", ") : "none in this run"}
          {outside.length > 0 && <span class="outside"> · outside the selection: {outside.join(", ")}</span>}
        </dd>
        {task.blockedBy && (
          <>
            <dt>Skipped because</dt>
            <dd>{task.blockedBy} failed</dd>
          </>
        )}
        <dt>Memo key</dt>
        <dd>
          <code>{task.memoKey}</code> {task.memoized ? "· result from the cache" : "· not from the cache"}
        </dd>
        {task.error && (
          <>
            <dt>Error</dt>
            <dd class="pre">{task.error}</dd>
          </>
        )}
        {task.result !== null && task.result !== undefined && (
          <>
            <dt>Result</dt>
            <dd>
              <pre class="result">{JSON.stringify(task.result, null, 2)}</pre>
            </dd>
          </>
        )}
      </dl>
      <h3>Attempts</h3>
      {task.attempts.length === 0 ? (
        <p>No attempt yet.</p>
      ) : (
        <table class="attempts">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Status</th>
              <th scope="col">Exit code</th>
              <th scope="col">Duration</th>
              <th scope="col">Error</th>
              <th scope="col">Log</th>
            </tr>
          </thead>
          <tbody>
            {task.attempts.map((a) => (
              <tr key={a.number}>
                <td>{a.number}</td>
                <td>
                  {look(a.status).icon} {look(a.status).label}
                </td>
                <td>{a.exitCode ?? "—"}</td>
                <td>{duration(a.durationMs)}</td>
                <td>{a.error ?? ""}</td>
                <td>
                  <button type="button" onClick={() => setAttempt(a.number)} aria-pressed={attempt === a.number}>
                    Show log of attempt {a.number}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {attempt !== null && (
        <button type="button" onClick={() => setAttempt(null)}>
          Back to the latest attempt's log
        </button>
      )}
      <LogView runId={run.id} taskId={taskId} attempt={attempt} key={`${taskId}:${attempt ?? "latest"}:${task.attemptCount}`} />
    </aside>
  );
}
