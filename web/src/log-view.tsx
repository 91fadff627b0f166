// A task's live log (taskLogs): stdout and stderr told apart (stderr marked and
// coloured), following the end by default and pausing when the user scrolls up
// (follow.ts). On a reconnect it goes on after the last line it holds. It holds
// the last MAX_LINES lines (a task may print for hours, at up to 500 lines a
// second to a watcher): older ones are let go a block at a time, and the view
// says how many.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./api.js";
import { useFollow } from "./follow.js";
import { CHUNK, LogLines } from "./log-lines.js";
import { TASK_LOGS } from "./queries.js";
import type { LogLine } from "./types.js";

/** Lines held at most, then a block of LET_GO more before they go; a page may set window.conveyorLogLines (tests do). */
const MAX_LINES = Math.max(CHUNK, (globalThis as { conveyorLogLines?: number }).conveyorLogLines ?? 10_000);
const LET_GO = Math.max(CHUNK, Math.floor(MAX_LINES / 5 / CHUNK) * CHUNK);

export function LogView({ runId, taskId, attempt }: { runId: string; taskId: string; attempt: number | null }) {
  // the lines held, appended in place; `count` renders them, at most once a frame
  const held = useRef<LogLine[]>([]);
  // lines shown (of held), and lines let go before them: both change together, at most once a frame
  const [{ count, gone }, setShown] = useState({ count: 0, gone: 0 });
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLPreElement>(null);
  const follow = useFollow(box, count + gone);
  useEffect(() => {
    let last = 0;
    let frame = 0;
    let letGo = 0;
    const lines: LogLine[] = (held.current = []);
    setShown({ count: 0, gone: 0 });
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
          // only here, where what is drawn next is decided: a render never sees lines move under it
          if (lines.length >= MAX_LINES + LET_GO) {
            const n = Math.floor((lines.length - MAX_LINES) / CHUNK) * CHUNK;
            lines.splice(0, n);
            letGo += n;
          }
          setShown({ count: lines.length, gone: letGo });
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
          Log{attempt ? ` of attempt ${attempt}` : ""}: {gone + count} lines
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
        {gone > 0 && (
          <div class="dropped" data-testid="log-let-go">
            … {gone} earlier lines not kept here (this view holds the last {MAX_LINES}) …
          </div>
        )}
        <LogLines lines={held.current} count={count} gone={gone} />
      </pre>
    </div>
  );
}
