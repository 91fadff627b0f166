// Who watches an attempt's live log, as the runner hears it over the bus: the
// attempt is watched from the first watch until a grace period after the last
// watcher left or lapsed (one that vanished without a word), and an executor
// listening hears each change once.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { busNotice } from "../../src/engine/bus-notices.js";
import { systemClock } from "../../src/engine/ports.js";
import { LOG_WATCH_MS, TaskLogs } from "../../src/engine/task-logs.js";
import { topics } from "../../src/engine/topics.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";

const GRACE = 1_000;

describe("watchers of an attempt's log", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  function world() {
    const bus = new MemoryBus();
    const logs = new TaskLogs(bus, systemClock, { watchGraceMs: GRACE });
    const heard: boolean[] = [];
    const out = logs.attempt("r", "t", 1);
    const stop = out.watch((on) => heard.push(on));
    const say = (type: "log.watch" | "log.unwatch", watcher?: string) =>
      bus.publish(topics.logWatch, [busNotice(type, { runId: "r", taskId: "t", attempt: 1, ...(watcher ? { watcher } : {}) })]);
    return { logs, heard, out, stop, say };
  }

  it("watched from the first watch until a grace period after the last watcher leaves", () => {
    const { logs, heard, say } = world();
    expect(heard).toEqual([]);
    say("log.watch", "a");
    say("log.watch", "b");
    expect(heard).toEqual([true]);
    say("log.unwatch", "a");
    vi.advanceTimersByTime(GRACE * 2);
    expect(heard).toEqual([true]); // b still watches
    say("log.unwatch", "b");
    vi.advanceTimersByTime(GRACE - 10);
    expect(heard).toEqual([true]);
    say("log.watch", "c"); // a reload within the grace period: nothing stops
    say("log.unwatch", "c");
    vi.advanceTimersByTime(GRACE - 10);
    expect(heard).toEqual([true]);
    vi.advanceTimersByTime(20);
    expect(heard).toEqual([true, false]);
    say("log.watch", "d");
    expect(heard).toEqual([true, false, true]);
    logs.close();
  });

  it("a watcher that vanished without a word lapses; one that renews does not", () => {
    const { logs, heard, say } = world();
    say("log.watch", "gone");
    say("log.watch"); // a watcher without an id
    for (let t = 0; t < 3; t++) {
      vi.advanceTimersByTime(LOG_WATCH_MS / 3);
      say("log.watch", "stays");
    }
    expect(heard).toEqual([true]);
    say("log.unwatch", "stays");
    vi.advanceTimersByTime(GRACE + 10);
    expect(heard).toEqual([true, false]); // "gone" and the anonymous one lapsed long ago
    logs.close();
  });

  it("a listener that comes while watched hears it at once; one that left hears nothing more", () => {
    const { logs, heard, out, stop, say } = world();
    say("log.watch", "a");
    const late: boolean[] = [];
    out.watch((on) => late.push(on));
    expect(late).toEqual([true]);
    stop();
    say("log.unwatch", "a");
    vi.advanceTimersByTime(GRACE + 10);
    expect(heard).toEqual([true]);
    expect(late).toEqual([true, false]);
    logs.close();
  });
});
