// The runs, newest first, live: runsChanged brings every run-level change (a
// new run, paused, finished, ...) with the run as it is then; after a
// reconnect it goes on from the last change seen (`since`). The progress of
// the running runs shown comes from their runProgress.
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";
import { mutate, type Outcome } from "./mutate.js";
import { navigate } from "./router.js";
import { RUN, RUN_IDS, RUN_PROGRESS, RUNS, RUNS_CHANGED, START } from "./queries.js";
import { look, RUN_STATUSES } from "./status.js";
import type { Progress, Run } from "./types.js";
import { durationText, StatusBadge, when } from "./widgets.js";

const LIVE_PROGRESS = 8;

export function RunsList({ canWrite }: { canWrite: boolean }) {
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let since: string | null = null;
    const wanted = (r: Run) => !status || r.status === status;
    const stop = api.live<{ runsChanged: { runId: string; event: { at: string }; run: Run | null } }>(
      RUNS_CHANGED,
      () => (since ? { since } : {}),
      ({ runsChanged: c }) => {
        since = c.event.at;
        setRuns((list) => {
          if (!list) return list;
          const rest = list.filter((r) => r.id !== c.runId);
          if (!c.run || !wanted(c.run)) return rest;
          const old = list.find((r) => r.id === c.runId);
          return old ? list.map((r) => (r.id === c.runId ? c.run! : r)) : [c.run, ...rest];
        });
      },
    );
    api
      .gql<{ runs: { edges: { node: Run }[] } }>(RUNS, { first: 100, ...(status ? { status: [status] } : {}) })
      .then((d) => live && setRuns(d.runs.edges.map((e) => e.node)))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
      stop();
    };
  }, [status]);
  const running = (runs ?? []).filter((r) => r.status === "RUNNING").slice(0, LIVE_PROGRESS);
  return (
    <main id="main">
      <h1>Runs</h1>
      <div class="toolbar">
        <OpenRun />
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)} data-testid="status-filter">
            <option value="">all</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {look(s).label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {canWrite && <StartRun />}
      {error && <p role="alert">{error}</p>}
      {runs === null ? (
        <p aria-busy="true">Loading runs…</p>
      ) : runs.length === 0 ? (
        <p>No runs{status ? ` ${look(status).label}` : ""} yet.</p>
      ) : (
        <table class="runs" data-testid="runs">
          <caption class="sr-only">Runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
              <th scope="col">Duration</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <RunRow key={r.id} run={r} live={running.includes(r)} />
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

function RunRow({ run: r, live }: { run: Run; live: boolean }) {
  const [progress, setProgress] = useState<Progress | null>(null);
  useEffect(() => {
    if (!live) return setProgress(null);
    return api.live<{ runProgress: Progress }>(
      RUN_PROGRESS,
      () => ({ runId: r.id }),
      (d) => setProgress(d.runProgress),
    );
  }, [live, r.id]);
  const p = progress ?? r.progress ?? null;
  const end = r.finishedAt ? Date.parse(r.finishedAt) : Date.now();
  return (
    <tr data-run={r.id}>
      <td>
        <a href={`/runs/${encodeURIComponent(r.id)}`}>
          <code>{r.id.slice(0, 12)}</code>
        </a>
      </td>
      <td>
        <StatusBadge status={r.status} />
      </td>
      <td>{p ? `${p.settled}/${p.total} (${Math.round(p.percent)} %)` : `—/${r.total}`}</td>
      <td>{when(r.startedAt)}</td>
      <td>{when(r.finishedAt)}</td>
      <td>{r.startedAt ? durationText(end - Date.parse(r.startedAt)) : "—"}</td>
      <td>
        {r.source.format} {r.source.origin.length > 40 ? `${r.source.origin.slice(0, 39)}…` : r.source.origin}
        {r.source.selection ? ` · ${r.source.selection}` : ""}
      </td>
    </tr>
  );
}

/** Opens a run by its whole id or by a prefix that only one of the latest 500 runs has. */
function OpenRun() {
  const [text, setText] = useState("");
  const [message, setMessage] = useState("");
  const open = async (e: Event) => {
    e.preventDefault();
    const id = text.trim();
    if (!id) return setMessage("Type a run id or the start of one.");
    try {
      const exact = await api.gql<{ run: Run | null }>(RUN, { id });
      if (exact.run) return navigate(`/runs/${encodeURIComponent(exact.run.id)}`);
      const d = await api.gql<{ runs: { edges: { node: { id: string } }[] } }>(RUN_IDS);
      const hits = d.runs.edges.map((x) => x.node.id).filter((r) => r.startsWith(id));
      if (hits.length === 1) return navigate(`/runs/${encodeURIComponent(hits[0]!)}`);
      setMessage(hits.length ? `${hits.length} runs start with ${id}: type more of it.` : `No run starts with ${id}.`);
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form onSubmit={open} class="open-run">
      <label>
        Open run{" "}
        <input
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
          placeholder="id or prefix"
          data-testid="open-run"
        />
      </label>
      <button type="submit">Open</button>
      <span role="status">{message}</span>
    </form>
  );
}

/** Starts a run from a tasks file on the server or from inline tasks (JSON). */
function StartRun() {
  const [tasksFile, setTasksFile] = useState("");
  const [selection, setSelection] = useState("");
  const [inline, setInline] = useState("");
  const [executor, setExecutor] = useState("");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const start = async (e: Event) => {
    e.preventDefault();
    let inlineValue: unknown = undefined;
    if (inline.trim()) {
      try {
        inlineValue = JSON.parse(inline);
      } catch (err) {
        return setOutcome({ ok: false, message: `The inline tasks are not JSON: ${(err as Error).message}` });
      }
    }
    const input = {
      ...(tasksFile.trim() ? { tasksFile: tasksFile.trim() } : {}),
      ...(selection.trim() ? { selection: selection.trim() } : {}),
      ...(inlineValue !== undefined ? { inline: inlineValue } : {}),
      ...(executor ? { options: { executor } } : {}),
    };
    setBusy(true);
    const o = await mutate(START, { input }, "Started");
    setBusy(false);
    setOutcome(o);
    const id = o.answer?.run?.id;
    if (o.ok && id) navigate(`/runs/${encodeURIComponent(id)}`);
  };
  return (
    <details class="start-run">
      <summary>Start a run</summary>
      <form onSubmit={start}>
        <label>
          Tasks file on the server{" "}
          <input value={tasksFile} onInput={(e) => setTasksFile((e.target as HTMLInputElement).value)} placeholder="the server's default" />
        </label>
        <label>
          Selection <input value={selection} onInput={(e) => setSelection((e.target as HTMLInputElement).value)} placeholder="e.g. 1-5,8" />
        </label>
        <label>
          Executor{" "}
          <select value={executor} onChange={(e) => setExecutor((e.target as HTMLSelectElement).value)}>
            <option value="">the server's default</option>
            <option value="local">local</option>
            <option value="argo">argo</option>
          </select>
        </label>
        <label class="wide">
          Or inline tasks (JSON array)
          <textarea
            rows={4}
            value={inline}
            onInput={(e) => setInline((e.target as HTMLTextAreaElement).value)}
            data-testid="inline-tasks"
          />
        </label>
        <button type="submit" disabled={busy}>
          Start
        </button>
        {outcome && (
          <p role="status" class={outcome.ok ? "ok" : "error"} data-testid="start-answer">
            {outcome.message}
          </p>
        )}
      </form>
    </details>
  );
}
