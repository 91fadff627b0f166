import { describe, expect, it } from "vitest";
import { Turnstile } from "../../src/api/live/turnstile.js";

/**
 * Lets `n` waiters through `gate` and returns, in the order they passed, their
 * index and the turn of the event loop they passed on: a ticker queued first
 * counts the loop's check phases. `onPass` runs as each one passes.
 */
async function passAll(gate: Turnstile, n: number, onPass: () => void = () => {}): Promise<{ i: number; turn: number }[]> {
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const passed: { i: number; turn: number }[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      gate.pass().then(() => {
        passed.push({ i, turn });
        onPass();
      }),
    ),
  );
  ticking = false;
  return passed;
}

/** How many passed on each turn, turn by turn. */
function groupSizes(passed: { turn: number }[]): number[] {
  const perTurn = new Map<number, number>();
  for (const p of passed) perTurn.set(p.turn, (perTurn.get(p.turn) ?? 0) + 1);
  return [...perTurn.values()];
}

describe("Turnstile", () => {
  it("lets waiters through in order, at most perTurn per turn of the event loop", async () => {
    const passed = await passAll(new Turnstile(64), 200);
    expect(passed.map((p) => p.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(groupSizes(passed)).toEqual([64, 64, 64, 8]);
  });

  it("asks a group-size function at each turn", async () => {
    let size = 3;
    const passed = await passAll(new Turnstile(() => size), 12, () => (size = 5)); // 5 from the next turn on
    expect(groupSizes(passed)).toEqual([3, 5, 4]);
  });

  it("a waiter arriving later waits behind the ones queued before it", async () => {
    const gate = new Turnstile(2);
    const order: string[] = [];
    const first = [
      gate.pass().then(() => order.push("a")),
      gate.pass().then(() => order.push("b")),
      gate.pass().then(() => order.push("c")),
    ];
    await first[0];
    await gate.pass().then(() => order.push("d"));
    await Promise.all(first);
    expect(order).toEqual(["a", "b", "c", "d"]);
  });

  it("says when its queue drained: whenIdle runs then (at once when idle), and a cancelled one never", async () => {
    const gate = new Turnstile(2);
    let ran = 0;
    gate.whenIdle(() => ran++);
    expect(ran).toBe(1); // nobody waits: at once
    const passing = Array.from({ length: 5 }, () => gate.pass());
    expect(gate.busy).toBe(true);
    const drained = gate.drained;
    let idleAfter = -1;
    let passedWhenIdle = 0;
    let passed = 0;
    for (const p of passing) void p.then(() => passed++);
    gate.whenIdle(() => {
      idleAfter = gate.drained;
      passedWhenIdle = passed;
    });
    const cancel = gate.whenIdle(() => ran++);
    cancel();
    await Promise.all(passing);
    await new Promise((r) => setImmediate(r));
    expect(gate.busy).toBe(false);
    expect(idleAfter).toBe(drained + 1);
    expect(passedWhenIdle).toBeGreaterThanOrEqual(4); // the last group was released just before
    expect(ran).toBe(1);
  });
});
