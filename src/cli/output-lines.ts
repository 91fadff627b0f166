// Stored output shown on a terminal: the last lines of a tail, each cut to a
// sane width, control characters made visible so they cannot move the cursor.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** The last `n` lines of `text`; a final newline does not start another line. */
export function lastLines(text: string | null, n: number): string[] {
  if (!text) return [];
  const lines = text.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n");
  return lines.slice(-n);
}

export function printable(line: string, width = 200): string {
  const clean = line.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean;
}

/** Lines indented under a heading, e.g. a failed task's row. */
export const indented = (lines: string[], prefix = "    | ") => lines.map((l) => `${prefix}${printable(l)}\n`).join("");
