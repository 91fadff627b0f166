// A task's live log (taskLogs): stdout and stderr told apart (stderr marked and
// coloured), following the end by default and pausing while the user has
// scrolled up. On a reconnect it goes on after the last line it holds.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./api.js";
import { TASK_LOGS } from "./queries.js";
import type { LogLine } from "./types.js";

export function LogView({ runId, taskId, attempt }: { runId: string; taskId: string; attempt: number | null }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    let last = 0;
    let held: LogLine[] = [];
    setLines([]);
    setError(null);
    const stop = api.live<{ taskLogs: LogLine }>(
      TASK_LOGS,
      () => ({ runId, taskId, after: last, ...(attempt ? { attempt } : {}) }),
      ({ taskLogs: line }) => {
        if (line.seq <= last) return;
        last = line.seq;
        held = [...held, line];
        setLines(held);
      },
      setError,
    );
    return stop;
  }, [runId, taskId, attempt]);
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);
  const onScroll = () => {
    const b = box.current!;
    setFollow(b.scrollHeight - b.scrollTop - b.clientHeight < 8);
  };
  return (
    <div class="log">
      <div class="log-bar">
        <span>
          Log{attempt ? ` of attempt ${attempt}` : ""}: {lines.length} lines
        </span>
        <span aria-live="polite">{follow ? "following" : "paused (scrolled up)"}</span>
        {!follow && (
          <button type="button" onClick={() => setFollow(true)}>
            Follow
          </button>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
      <pre ref={box} class="log-lines" tabIndex={0} aria-label={`Output of task ${taskId}`} onScroll={onScroll} data-testid="log">
        {lines.map((l) =>
          l.dropped !== null ? (
            <div key={l.seq} class="dropped">
              … {l.dropped} lines dropped …
            </div>
          ) : (
            <div key={l.seq} class={l.stream === "STDERR" ? "stderr" : "stdout"} data-stream={l.stream ?? ""}>
              <span class="stream" aria-label={l.stream === "STDERR" ? "stderr" : "stdout"}>
                {l.stream === "STDERR" ? "err" : "out"}
              </span>
              {l.text}
            </div>
          ),
        )}
      </pre>
    </div>
  );
}
