// A log's lines, drawn in chunks: a full chunk never changes, so a new line
// costs the last chunk's render and not one of every line held (at hundreds of
// lines a second, re-rendering thousands of lines per line kept the page's main
// thread busy for seconds).
import { Component } from "preact";
import type { LogLine } from "./types.js";

/** Lines per chunk. */
export const CHUNK = 200;

/**
 * The first `count` of `lines` (which may hold more already, to be shown at the next frame).
 * `gone`: lines let go before `lines[0]`, a multiple of CHUNK, so a chunk keeps its key (and
 * is not redrawn) when older ones go.
 */
export function LogLines({ lines, count, gone }: { lines: LogLine[]; count: number; gone: number }) {
  const chunks = [];
  for (let k = 0; k * CHUNK < count; k++) {
    const end = Math.min(count, (k + 1) * CHUNK);
    chunks.push(<Chunk key={gone / CHUNK + k} lines={lines} gone={gone} start={gone + k * CHUNK} end={gone + end} />);
  }
  return <>{chunks}</>;
}

interface ChunkProps {
  /** The log's lines, appended to in place: a chunk reads its range. */
  lines: LogLine[];
  /** Lines let go before lines[0]: start and end count from the log's first line, so a chunk's stay put when older ones go. */
  gone: number;
  start: number;
  end: number;
}

class Chunk extends Component<ChunkProps> {
  override shouldComponentUpdate(next: ChunkProps): boolean {
    return next.lines !== this.props.lines || next.start !== this.props.start || next.end !== this.props.end;
  }
  override render({ lines, gone, start, end }: ChunkProps) {
    return <>{lines.slice(start - gone, end - gone).map(Line)}</>;
  }
}

function Line(l: LogLine) {
  return l.dropped !== null ? (
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
  );
}
