import { describe, expect, it } from "vitest";
import { DEFAULT_TAIL_BYTES, OutputTail } from "../../src/executors/output-tail.js";

describe("OutputTail", () => {
  it("keeps everything while under the limit", () => {
    const tail = new OutputTail(16);
    tail.push("hello ");
    tail.push(Buffer.from("world"));
    expect(tail.toString()).toBe("hello world");
    expect(tail.truncated).toBe(false);
    expect(tail.totalBytes).toBe(11);
  });

  it("keeps the last bytes across many small chunks", () => {
    const tail = new OutputTail(10);
    for (let i = 0; i < 1000; i++) tail.push(String(i % 10));
    expect(tail.toString()).toBe("0123456789");
    expect(tail.truncated).toBe(true);
    expect(tail.totalBytes).toBe(1000);
  });

  it("keeps the end of a single chunk larger than the limit", () => {
    const tail = new OutputTail(4);
    tail.push("abcdefgh");
    expect(tail.toString()).toBe("efgh");
  });

  it("defaults to 64 KiB and keeps the last 64 KiB of 1 MB", () => {
    const tail = new OutputTail();
    expect(tail.limit).toBe(DEFAULT_TAIL_BYTES);
    const line = "0123456789abcdef";
    for (let i = 0; i < 65536; i++) tail.push(line);
    tail.push("END");
    const text = tail.toString();
    expect(Buffer.byteLength(text)).toBe(64 * 1024);
    expect(text.endsWith("cdefEND")).toBe(true);
  });

  it("matches the last bytes of the whole stream for any chunking (wrap-around)", () => {
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (const limit of [1, 7, 100, 3000]) {
      const tail = new OutputTail(limit);
      const all: Buffer[] = [];
      for (let i = 0; i < 300; i++) {
        const chunk = Buffer.from(Array.from({ length: random(limit * 2 + 2) }, () => 97 + random(26)));
        all.push(chunk);
        tail.push(chunk);
        const whole = Buffer.concat(all);
        expect(tail.toString()).toBe(whole.subarray(Math.max(0, whole.length - limit)).toString());
      }
    }
  });

  it("does not leave half a multi-byte character at the cut", () => {
    const tail = new OutputTail(5);
    tail.push("€€"); // 6 bytes: the cut falls one byte into the first €
    expect(tail.toString()).toBe("€");
    const emoji = new OutputTail(6);
    emoji.push("a😀😀"); // 9 bytes; keeping 6 cuts into the first 😀
    expect(emoji.toString()).toBe("😀");
  });

  it("decodes characters split across chunks", () => {
    const tail = new OutputTail(100);
    const bytes = Buffer.from("é😀");
    for (const b of bytes) tail.push(Buffer.from([b]));
    expect(tail.toString()).toBe("é😀");
  });
});
