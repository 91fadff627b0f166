// The task protocol: how a task run as a process reports progress and a result
// to Conveyor, by printing lines on its stdout (docs/task-protocol.md):
//
//   ::conveyor progress <fraction> [message]   fraction 0..1 ("0.25") or percent 0..100 ("25%")
//   ::conveyor result <json>                   the task's JSON result; the last valid one wins
//
// A protocol line begins, at column 0, with exactly "::conveyor " (one space);
// a trailing "\r" is ignored. Every other line is ordinary output. A line with
// the prefix that cannot be understood is reported as malformed and is
// otherwise ordinary output: it never fails the task.

import { StringDecoder } from "node:string_decoder";

export const PROTOCOL_PREFIX = "::conveyor ";

/** An unfinished protocol line is buffered up to this many characters, then dropped as malformed. */
export const MAX_PROTOCOL_LINE = 1024 * 1024;

/** Malformed lines are reported by excerpt: a note, not a copy of the output. */
const EXCERPT = 200;

export type ProtocolEvent =
  | { kind: "progress"; fraction: number; message?: string }
  | { kind: "result"; value: unknown }
  | { kind: "malformed"; line: string; reason: string };

/** Reads one line (without its newline); undefined means ordinary output. */
export function parseProtocolLine(line: string): ProtocolEvent | undefined {
  if (!line.startsWith(PROTOCOL_PREFIX)) return undefined;
  const body = line.slice(PROTOCOL_PREFIX.length);
  const space = body.indexOf(" ");
  const verb = space === -1 ? body : body.slice(0, space);
  const arg = space === -1 ? "" : body.slice(space + 1).trim();
  switch (verb) {
    case "progress":
      return parseProgress(line, arg);
    case "result":
      return parseResult(line, arg);
    default:
      return malformed(line, `unknown directive "${verb}"`);
  }
}

function parseProgress(line: string, arg: string): ProtocolEvent {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(%?)(?:\s+(.*))?$/.exec(arg);
  if (!m) return malformed(line, "progress needs a fraction 0..1 or a percentage 0..100%");
  const fraction = m[2] ? Number(m[1]) / 100 : Number(m[1]);
  if (fraction > 1) return malformed(line, "progress is above 1 (100%)");
  return m[3] ? { kind: "progress", fraction, message: m[3] } : { kind: "progress", fraction };
}

function parseResult(line: string, arg: string): ProtocolEvent {
  if (!arg) return malformed(line, "result needs a JSON value");
  try {
    return { kind: "result", value: JSON.parse(arg) };
  } catch (err) {
    return malformed(line, `result is not valid JSON: ${(err as Error).message}`);
  }
}

function malformed(line: string, reason: string): ProtocolEvent {
  return { kind: "malformed", line: line.length > EXCERPT ? `${line.slice(0, EXCERPT)}…` : line, reason };
}

/**
 * Splits a byte stream into lines and reports protocol events. Lines and
 * UTF-8 characters may be split across chunks. Only an unfinished line that
 * may still be a protocol line is buffered, so ordinary output never grows it.
 */
export class ProtocolParser {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";
  /** The rest of the current line cannot matter: ordinary output, or an over-long protocol line. */
  private skipping = false;

  constructor(
    private readonly onEvent: (event: ProtocolEvent) => void,
    private readonly maxLine = MAX_PROTOCOL_LINE,
  ) {}

  push(chunk: Buffer | string): void {
    this.feed(typeof chunk === "string" ? chunk : this.decoder.write(chunk));
  }

  /** Ends the stream: a last line without a newline still counts. */
  end(): void {
    this.feed(this.decoder.end());
    if (!this.skipping && this.pending) this.line(this.pending);
    this.pending = "";
    this.skipping = false;
  }

  private feed(text: string): void {
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      if (!this.skipping) this.line(this.pending + text.slice(start, nl));
      this.pending = "";
      this.skipping = false;
      start = nl + 1;
    }
    if (this.skipping || start === text.length) return;
    this.pending += text.slice(start);
    const p = this.pending;
    const mayBeProtocol = p.length >= PROTOCOL_PREFIX.length ? p.startsWith(PROTOCOL_PREFIX) : PROTOCOL_PREFIX.startsWith(p);
    if (mayBeProtocol && p.length <= this.maxLine) return;
    if (mayBeProtocol) this.onEvent(malformed(p, `line longer than ${this.maxLine} characters`));
    this.pending = "";
    this.skipping = true;
  }

  private line(raw: string): void {
    const event = parseProtocolLine(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    if (event) this.onEvent(event);
  }
}
