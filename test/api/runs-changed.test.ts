// runsChangedStream on its own, with the replay's answer held back: live changes
// that arrive while the replay is read wait behind it and come once; a replay
// that cannot be read ends the stream with its error instead of going live with
// a gap. (The GraphQL subscription end to end: subscriptions.test.ts.)
import { describe, expect, it } from "vitest";
import { runsChangedStream } from "../../src/api/events/runs-changed.js";
import { RUNS_TOPIC, silentLogger, type RunEvent } from "../../src/engine/ports.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";

const change = (runId: string, seq: number, type: string, at: number): RunEvent => ({ runId, seq, type, at, data: {} });

function heldStore() {
  let answer!: { resolve: (e: RunEvent[]) => void; reject: (err: Error) => void };
  const asked: number[] = [];
  const store = {
    runLevelEventsSince: (since: number) => {
      asked.push(since);
      return new Promise<RunEvent[]>((resolve, reject) => (answer = { resolve, reject }));
    },
  };
  return { store, asked, answer: () => answer };
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

describe("runsChangedStream with since", () => {
  it("delivers the replay first, then the live changes that came meanwhile, each once", async () => {
    const bus = new MemoryBus();
    const held = heldStore();
    const stream = runsChangedStream({ bus, store: held.store, logger: silentLogger }, 1_000);
    const it = stream[Symbol.asyncIterator]();
    const first = take(it, 4);
    await new Promise((r) => setTimeout(r, 10)); // subscribed, replay asked
    expect(held.asked).toEqual([1_000]);
    // live while the replay is read: one change the replay also holds, one it does not
    bus.publish(RUNS_TOPIC, [change("b", 2, "run.finished", 1_300)]);
    bus.publish(RUNS_TOPIC, [change("c", 1, "run.started", 1_400)]);
    held.answer().resolve([change("a", 1, "run.started", 1_000), change("b", 1, "run.started", 1_100), change("b", 2, "run.finished", 1_300)]);
    expect(await first).toEqual(["a:1:run.started", "b:1:run.started", "b:2:run.finished", "c:1:run.started"]);
    // then live as it comes
    bus.publish(RUNS_TOPIC, [change("c", 2, "run.finished", 1_500)]);
    expect(await take(it, 1)).toEqual(["c:2:run.finished"]);
    await it.return?.();
  });

  it("ends with the error when the replay cannot be read", async () => {
    const bus = new MemoryBus();
    const held = heldStore();
    const it = runsChangedStream({ bus, store: held.store, logger: silentLogger }, 1_000)[Symbol.asyncIterator]();
    const next = it.next();
    await new Promise((r) => setTimeout(r, 10));
    bus.publish(RUNS_TOPIC, [change("c", 1, "run.started", 1_400)]);
    held.answer().reject(new Error("database unreachable"));
    await expect(next).rejects.toThrow("database unreachable");
  });

  it("without since goes live at once and reads nothing", async () => {
    const bus = new MemoryBus();
    const held = heldStore();
    const it = runsChangedStream({ bus, store: held.store, logger: silentLogger })[Symbol.asyncIterator]();
    const next = take(it, 1);
    await new Promise((r) => setTimeout(r, 10));
    bus.publish(RUNS_TOPIC, [change("c", 1, "run.started", 1_400)]);
    expect(await next).toEqual(["c:1:run.started"]);
    expect(held.asked).toEqual([]);
    await it.return?.();
  });
});
