// Calls gathered while one is in flight go as one batch, each caller gets its own
// answer, and a failed batch fails exactly the calls it carried.
import { describe, expect, it } from "vitest";
import { Gathered } from "../../src/storage/gathered.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("gathered calls", () => {
  it("sends the first call at once and gathers the ones made while it is in flight", async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const g = new Gathered(async (reqs: number[]) => {
      batches.push(reqs);
      if (batches.length === 1) await gate.promise;
      return reqs.map((r) => r * 10);
    });
    const first = g.call(1);
    expect(batches).toEqual([[1]]); // not held back for company
    const later = [g.call(2), g.call(3), g.call(4)];
    gate.resolve();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("a failed batch rejects its own calls only, and the next batch goes on", async () => {
    const gate = deferred();
    let n = 0;
    const g = new Gathered(async (reqs: string[]) => {
      n++;
      if (n === 1) {
        await gate.promise;
        throw new Error("connection lost");
      }
      return reqs.map((r) => r.toUpperCase());
    });
    const failing = g.call("a");
    const next = [g.call("b"), g.call("c")];
    gate.resolve();
    await expect(failing).rejects.toThrow("connection lost");
    expect(await Promise.all(next)).toEqual(["B", "C"]);
  });
});

describe("gathered calls, bounded and retried alone", () => {
  it("sends at most maxBatch calls at once", async () => {
    const batches: number[][] = [];
    const g = new Gathered(async (reqs: number[]) => (batches.push(reqs), reqs), { maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => g.call(n)));
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it("with retryAlone, a refused batch is sent again call by call, so only the bad call fails", async () => {
    const gate = deferred();
    const sent: string[][] = [];
    const g = new Gathered(
      async (reqs: string[]) => {
        sent.push(reqs);
        if (sent.length === 1) await gate.promise;
        if (reqs.includes("bad")) throw new Error("refused");
        return reqs;
      },
      { retryAlone: true },
    );
    const first = g.call("first");
    const rest = ["a", "bad", "b"].map((r) => g.call(r));
    gate.resolve();
    expect(await first).toBe("first");
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(sent).toEqual([["first"], ["a", "bad", "b"], ["a"], ["bad"], ["b"]]);
  });
});
