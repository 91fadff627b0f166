// runsChangedStream on its own, with the database's answer held back: the
// replay is read from 2 s before `since` once the bus carries live changes here;
// live changes and bus catch-ups that arrive meanwhile wait behind it and come
// once; a replay that cannot be read, or is over the limit, ends the stream with
// its error instead of going live with a gap; a `since` over an hour old is
// refused, naming it. (The GraphQL subscription end to end: subscriptions.test.ts.)
import { describe, expect, it } from "vitest";
import { REPLAY_LIMIT, runsChangedStream } from "../../src/api/live/runs-changed.js";
import { InvalidOptionError } from "../../src/core/errors.js";
import { busNotice } from "../../src/engine/bus-notices.js";
import { silentLogger, type RunEvent } from "../../src/engine/ports.js";
import { topics } from "../../src/engine/topics.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import type { RunChangeEvent } from "../../src/core/events.js";
import { eventOf } from "../support/events.js";

const T = Date.now();
const change = (runId: string, seq: number, type: RunChangeEvent["type"], at: number) =>
  eventOf(type, { runId, seq, at }) as RunChangeEvent;

/** A store whose answers the test gives, one per question, in order. */
function heldStore() {
  const asked: [number, number][] = [];
  const answers: { resolve: (e: RunEvent[]) => void; reject: (err: Error) => void }[] = [];
  const store = {
    runChangesSince: (since: number, limit: number) => {
      asked.push([since, limit]);
      return new Promise<RunEvent[]>((resolve, reject) => answers.push({ resolve, reject }));
    },
  };
  return { store, asked, answer: (i: number) => answers[i]! };
}

/** A bus whose subscriptions take effect when the test says so, as a remote bus's do. */
class SlowBus extends MemoryBus {
  private ready!: () => void;
  private readonly promise = new Promise<void>((r) => (this.ready = r));
  subscribed(): Promise<void> {
    return this.promise;
  }
  confirm(): void {
    this.ready();
  }
}

async function take(it: AsyncIterator<RunEvent>, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(`${r.value.runId}:${r.value.seq}:${r.value.type}`);
  }
  return out;
}

const turn = () => new Promise((r) => setTimeout(r, 10));

describe("runsChangedStream with since", () => {
  it("reads from 2 s before since once the bus carries changes here; what arrives meanwhile comes after the replay, once", async () => {
    const bus = new SlowBus();
    const held = heldStore();
    const it = runsChangedStream({ bus, store: held.store, logger: silentLogger }, T)[Symbol.asyncIterator]();
    const first = take(it, 5);
    await turn();
    expect(held.asked).toEqual([]); // not before the bus subscription took effect
    bus.confirm();
    await turn();
    expect(held.asked).toEqual([[T - 2_000, REPLAY_LIMIT + 1]]);
    // live while the replay is read: one change the replay also holds, one it does not; and a bus catch-up
    bus.publish(topics.runChanges, [change("b", 2, "run.finished", T + 300)]);
    bus.publish(topics.runChanges, [change("c", 1, "run.started", T + 400)]);
    bus.publish(topics.busResync, [busNotice("bus.resync", { since: T + 350 })]);
    await turn();
    held.answer(1).resolve([change("d", 1, "run.started", T + 360)]); // the catch-up answers first
    held
      .answer(0)
      .resolve([change("a", 1, "run.started", T - 500), change("b", 1, "run.started", T + 100), change("b", 2, "run.finished", T + 300)]);
    expect(await first).toEqual(["a:1:run.started", "b:1:run.started", "b:2:run.finished", "c:1:run.started", "d:1:run.started"]);
    // then live as it comes
    bus.publish(topics.runChanges, [change("c", 2, "run.finished", T + 500)]);
    expect(await take(it, 1)).toEqual(["c:2:run.finished"]);
    await it.return?.();
  });

  it("ends with the error when the replay cannot be read", async () => {
    const held = heldStore();
    const it = runsChangedStream({ bus: new MemoryBus(), store: held.store, logger: silentLogger }, T)[Symbol.asyncIterator]();
    const next = it.next();
    await turn();
    held.answer(0).reject(new Error("database unreachable"));
    await expect(next).rejects.toThrow("database unreachable");
  });

  it("ends with an error naming since when more changes than the limit were recorded since", async () => {
    const held = heldStore();
    const it = runsChangedStream({ bus: new MemoryBus(), store: held.store, logger: silentLogger }, T)[Symbol.asyncIterator]();
    const next = it.next();
    await turn();
    held.answer(0).resolve(Array.from({ length: REPLAY_LIMIT + 1 }, (_, i) => change(`r${i}`, 1, "run.started", T + i)));
    await expect(next).rejects.toThrow(InvalidOptionError);
    await expect(it.next()).resolves.toMatchObject({ done: true });
  });

  it("refuses a since more than an hour old, naming it, before reading anything", () => {
    const held = heldStore();
    expect(() => runsChangedStream({ bus: new MemoryBus(), store: held.store, logger: silentLogger }, T - 61 * 60_000, T)).toThrow(
      /^since: .* more than an hour ago/,
    );
    expect(held.asked).toEqual([]);
  });

  it("without since goes live at once and reads nothing", async () => {
    const bus = new MemoryBus();
    const held = heldStore();
    const it = runsChangedStream({ bus, store: held.store, logger: silentLogger })[Symbol.asyncIterator]();
    const next = take(it, 1);
    await turn();
    bus.publish(topics.runChanges, [change("c", 1, "run.started", T)]);
    expect(await next).toEqual(["c:1:run.started"]);
    expect(held.asked).toEqual([]);
    await it.return?.();
  });
});
