import { describe, expect, it } from "vitest";
import { FreshReads } from "../../src/api/live/fresh-reads.js";

/** A store whose reads finish when the test says; each answers with the number it was sent as. */
function manualStore() {
  const sent: { key: string; n: number; finish: (fail?: Error) => void }[] = [];
  const read = (key: string) =>
    new Promise<number>((resolve, reject) => {
      const n = sent.length + 1;
      sent.push({ key, n, finish: (fail) => (fail ? reject(fail) : resolve(n)) });
    });
  return { sent, read };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("FreshReads", () => {
  it("shares one read among everyone who asked while another was in flight, each answered by a read sent after it asked", async () => {
    const s = manualStore();
    const reads = new FreshReads(s.read);
    const first = reads.get("r");
    const sentBefore = s.sent.length; // 1: the first read is out
    const later = Array.from({ length: 50 }, () => reads.get("r"));
    expect(s.sent.length).toBe(sentBefore); // they wait for it instead of piling up
    s.sent[0]!.finish();
    expect(await first).toBe(1);
    await flush();
    expect(s.sent.length).toBe(2); // one fresh read for all fifty
    s.sent[1]!.finish();
    expect(await Promise.all(later)).toEqual(Array(50).fill(2));
    await flush();
    expect(s.sent.length).toBe(2);
  });

  it("keeps keys apart, and a failed read fails only those who shared it", async () => {
    const s = manualStore();
    const reads = new FreshReads(s.read);
    const a1 = reads.get("a");
    const b1 = reads.get("b");
    const a2 = reads.get("a");
    expect(s.sent.map((x) => x.key)).toEqual(["a", "b"]);
    s.sent[0]!.finish(new Error("connection lost"));
    await expect(a1).rejects.toThrow("connection lost");
    await flush();
    s.sent[2]!.finish();
    expect(await a2).toBe(3);
    s.sent[1]!.finish();
    expect(await b1).toBe(2);
  });
});
