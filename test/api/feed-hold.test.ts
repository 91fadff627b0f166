// A run's feed holds runEventBatches' next batch while the fan-out of the last
// few has not drained (the subscribers' turnstile is busy), and then publishes
// everything since in one list: a replica behind coalesces instead of splitting
// its subscribers into ever more groups, each with a list of its own to encode.
import { describe, expect, it } from "vitest";
import { RunEventFeed } from "../../src/api/live/run-event-feed.js";
import type { RunEvent } from "../../src/engine/ports.js";
import type { RunStore } from "../../src/engine/store.js";
import { topics } from "../../src/engine/topics.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { eventOf } from "../support/events.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const event = (seq: number): RunEvent => eventOf("task.started", { seq });

/** A gate whose busyness the test sets, as the turnstile's would be. */
class Gate {
  busy = false;
  drained = 0;
  private idlers: (() => void)[] = [];
  whenIdle(fn: () => void): () => void {
    if (!this.busy) {
      fn();
      return () => undefined;
    }
    this.idlers.push(fn);
    return () => void (this.idlers = this.idlers.filter((f) => f !== fn));
  }
  drain(): void {
    this.busy = false;
    this.drained++;
    for (const fn of this.idlers.splice(0)) fn();
  }
}

describe("RunEventFeed batches under a busy fan-out", () => {
  it("publishes a few batches, holds the rest while the gate is busy, then one list with all of them", async () => {
    const bus = new MemoryBus();
    const store = { readEvents: async () => [], getRun: async () => ({ lastSeq: 0 }) } as unknown as Pick<
      RunStore,
      "readEvents" | "getRun"
    >;
    const gate = new Gate();
    const feed = new RunEventFeed({ store, bus }, "r", { batchMs: 2, maxHoldMs: 60_000, pollMs: 60_000 }, gate, 0);
    await feed.ready;
    gate.busy = true;
    const published: number[] = [];
    let last = 0;
    const watch = () => {
      const list = feed.since(last, true);
      if (list?.length) {
        published.push(list.length);
        last = list.at(-1)!.seq;
      }
    };
    for (let seq = 1; seq <= 12; seq++) {
      bus.publish(topics.runEvents("r"), [event(seq)]);
      await sleep(8); // longer than batchMs: each would be a batch of its own
      watch();
    }
    // four batches went out while the fan-out was busy (one event each, unless a late timer
    // caught two); the other events wait
    expect(published.length).toBe(4);
    expect(last).toBeLessThan(12);
    expect(feed.since(last, true)).toEqual([]);
    const held = 12 - last;
    gate.drain();
    watch();
    expect(published.length).toBe(5);
    expect(published.at(-1)).toBe(held);
    expect(last).toBe(12);
    // drained: batches flow at batchMs again
    bus.publish(topics.runEvents("r"), [event(13)]);
    await sleep(10);
    watch();
    expect(published.at(-1)).toBe(1);
    expect(last).toBe(13);
    feed.close();
  });

  it("holds a batch at most maxHoldMs since the last one", async () => {
    const bus = new MemoryBus();
    const store = { readEvents: async () => [], getRun: async () => ({ lastSeq: 0 }) } as unknown as Pick<
      RunStore,
      "readEvents" | "getRun"
    >;
    const gate = new Gate();
    gate.busy = true; // never drains
    const feed = new RunEventFeed({ store, bus }, "r", { batchMs: 1, maxHoldMs: 100, pollMs: 60_000 }, gate, 0);
    await feed.ready;
    for (let seq = 1; seq <= 30; seq++) {
      bus.publish(topics.runEvents("r"), [event(seq)]);
      await sleep(5);
    }
    await sleep(150);
    expect(feed.since(0, true)?.at(-1)?.seq).toBe(30);
    feed.close();
  });
});
