// Cuts a byte stream into lines for the live task log: UTF-8 characters and
// lines may be split across chunks; a trailing "\r" is dropped. A line longer
// than `maxLine` characters is handed on in pieces of that size, so one
// endless line neither waits for its end nor grows memory.
import { StringDecoder } from "node:string_decoder";

export const MAX_LIVE_LINE = 8 * 1024;

export class LineSplitter {
  private decoder = new StringDecoder("utf8");
  private pending = "";

  constructor(
    private readonly onLines: (lines: string[]) => void,
    private readonly maxLine = MAX_LIVE_LINE,
  ) {}

  push(chunk: Buffer | string): void {
    this.feed(typeof chunk === "string" ? chunk : this.decoder.write(chunk));
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    this.feed(this.decoder.end());
    if (this.pending) this.onLines([this.pending]);
    this.pending = "";
  }

  /** Forgets an unfinished line (its stream broke off; it will come again whole). */
  reset(): void {
    this.decoder = new StringDecoder("utf8");
    this.pending = "";
  }

  private feed(text: string): void {
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const line = this.pending ? this.pending + text.slice(start, end) : text.slice(start, end);
      this.pending = "";
      this.cut(line, lines);
      start = nl + 1;
    }
    if (start < text.length) {
      this.pending += text.slice(start);
      if (this.pending.length >= this.maxLine) {
        const whole = this.pending.length - (this.pending.length % this.maxLine);
        this.cut(this.pending.slice(0, whole), lines);
        this.pending = this.pending.slice(whole);
      }
    }
    if (lines.length > 0) this.onLines(lines);
  }

  private cut(line: string, into: string[]): void {
    if (line.length <= this.maxLine) return void into.push(line);
    for (let i = 0; i < line.length; i += this.maxLine) into.push(line.slice(i, i + this.maxLine));
  }
}
