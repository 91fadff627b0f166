import { describe, expect, it } from "vitest";
import { Turnstile } from "../../src/api/events/turnstile.js";

describe("Turnstile", () => {
  it("lets waiters through in order, at most perTurn per turn of the event loop", async () => {
    // a ticker queued first counts the loop's check phases: every waiter records the turn it passed on
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const gate = new Turnstile(64);
    const passed: { i: number; turn: number }[] = [];
    await Promise.all(Array.from({ length: 200 }, (_, i) => gate.pass().then(() => passed.push({ i, turn }))));
    ticking = false;
    expect(passed.map((p) => p.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const perTurn = new Map<number, number>();
    for (const p of passed) perTurn.set(p.turn, (perTurn.get(p.turn) ?? 0) + 1);
    expect([...perTurn.values()]).toEqual([64, 64, 64, 8]);
  });

  it("asks a group-size function at each turn", async () => {
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    let size = 3;
    const gate = new Turnstile(() => size);
    const turns: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, () =>
        gate.pass().then(() => {
          turns.push(turn);
          size = 5; // from the next turn on
        }),
      ),
    );
    ticking = false;
    const perTurn = new Map<number, number>();
    for (const t of turns) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect([...perTurn.values()]).toEqual([3, 5, 4]);
  });

  it("a waiter arriving later waits behind the ones queued before it", async () => {
    const gate = new Turnstile(2);
    const order: string[] = [];
    const first = [gate.pass().then(() => order.push("a")), gate.pass().then(() => order.push("b")), gate.pass().then(() => order.push("c"))];
    await first[0];
    await gate.pass().then(() => order.push("d"));
    await Promise.all(first);
    expect(order).toEqual(["a", "b", "c", "d"]);
  });
});
