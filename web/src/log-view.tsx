// A task's live log (taskLogs): stdout and stderr told apart (stderr marked and
// coloured), following the end by default and pausing when the user scrolls up
// (follow.ts). On a reconnect it goes on after the last line it holds.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./api.js";
import { useFollow } from "./follow.js";
import { LogLines } from "./log-lines.js";
import { TASK_LOGS } from "./queries.js";
import type { LogLine } from "./types.js";

export function LogView({ runId, taskId, attempt }: { runId: string; taskId: string; attempt: number | null }) {
  // the lines held, appended in place; `count` renders them, at most once a frame
  const held = useRef<LogLine[]>([]);
  const [count, setCount] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLPreElement>(null);
  const follow = useFollow(box, count);
  useEffect(() => {
    let last = 0;
    let frame = 0;
    const lines: LogLine[] = (held.current = []);
    setCount(0);
    setError(null);
    follow.resume();
    const stop = api.live<{ taskLogs: LogLine }>(
      TASK_LOGS,
      () => ({ runId, taskId, after: last, ...(attempt ? { attempt } : {}) }),
      ({ taskLogs: line }) => {
        if (line.seq <= last) return;
        last = line.seq;
        lines.push(line);
        frame ||= requestAnimationFrame(() => {
          frame = 0;
          setCount(lines.length);
        });
      },
      setError,
    );
    return () => {
      cancelAnimationFrame(frame);
      stop();
    };
  }, [runId, taskId, attempt]);
  return (
    <div class="log">
      <div class="log-bar">
        <span>
          Log{attempt ? ` of attempt ${attempt}` : ""}: {count} lines
        </span>
        <span aria-live="polite" data-testid="log-follow">
          {follow.following ? "following" : "paused (scrolled up): End or scrolling to the end follows again"}
        </span>
        {!follow.following && (
          <button type="button" onClick={follow.resume}>
            Follow
          </button>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
      <pre ref={box} class="log-lines" tabIndex={0} aria-label={`Output of task ${taskId}`} data-testid="log" {...follow.on}>
        <LogLines lines={held.current} count={count} />
      </pre>
    </div>
  );
}
