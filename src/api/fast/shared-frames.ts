// A subscription result shared by many subscribers (shared-execution.ts)
// goes out as one encoding: graphql-ws stringifies each message per subscriber,
// so its replacer puts a placeholder where the shared data goes, and each
// socket's send splices the bytes in. Each shared payload has a placeholder of its
// own, kept until the event loop's next turn: a send finds its own data whether
// graphql-ws sends right after stringifying or a few microtasks later, and
// whatever other messages are stringified in between. A page of results (a
// page of history, shared-execution.ts) has one placeholder for all, and its
// message becomes one frame per result, in order.
import { randomUUID } from "node:crypto";

export class SharedFrames {
  private readonly prefix = `\u0000shared-${randomUUID()}-`;
  /** The prefix as it appears inside a JSON message, opening quote included. */
  private readonly quotedPrefix = JSON.stringify(this.prefix).slice(0, -1);
  private readonly byJson = new Map<string, string>();
  private readonly bytes = new Map<string, Buffer>();
  private readonly pages = new Map<string, readonly string[]>();
  private next = 0;
  private clearing = false;
  /**
   * The last payload's encoding outlives the turn: its subscribers are let on a few per turn
   * (live/turnstile.ts), and a batch's JSON is encoded once for all of them.
   */
  private lastJson = "";
  private lastBytes = Buffer.alloc(0);

  /** What the replacer returns instead of the shared data. */
  placeholder(json: string): string {
    let p = this.byJson.get(json);
    if (p === undefined) {
      p = `${this.prefix}${this.next++}`;
      this.byJson.set(json, p);
      if (json !== this.lastJson) this.lastBytes = Buffer.from((this.lastJson = json));
      this.bytes.set(JSON.stringify(p), this.lastBytes);
      this.clearSoon();
    }
    return p;
  }

  /** What the replacer returns instead of a page of shared results (the JSON of each). */
  pagePlaceholder(jsons: readonly string[]): string {
    const p = `${this.prefix}${this.next++}`;
    this.pages.set(JSON.stringify(p), jsons);
    this.clearSoon();
    return p;
  }

  /**
   * The frame to send for a message with a placeholder in it, or the frames (one
   * message per result, in order) for a page; undefined for any other message.
   */
  splice(text: string): Buffer | string[] | undefined {
    const at = text.indexOf(this.quotedPrefix);
    if (at < 0) return undefined;
    const end = text.indexOf('"', at + this.quotedPrefix.length) + 1;
    const quoted = text.slice(at, end);
    const page = this.pages.get(quoted);
    if (page !== undefined) {
      const head = text.slice(0, at);
      const tail = text.slice(end);
      return page.map((json) => head + json + tail);
    }
    const shared = this.bytes.get(quoted);
    if (shared === undefined) throw new Error("a shared subscription result was sent after its turn of the event loop");
    return Buffer.concat([Buffer.from(text.slice(0, at)), shared, Buffer.from(text.slice(end))]);
  }

  private clearSoon(): void {
    if (this.clearing) return;
    this.clearing = true;
    setImmediate(() => {
      this.clearing = false;
      this.byJson.clear();
      this.bytes.clear();
      this.pages.clear();
    });
  }
}
