// runsChanged: run-level events of every run (started, paused, finished, ...),
// for dashboards, live from the bus. A slow client loses the oldest, never blocks
// others. When the bus says it may have lost messages (Redis reconnected), what
// was recorded meanwhile is read from the database and delivered, each event once.
import { Repeater, SlidingBuffer } from "graphql-yoga";
import { BUS_RESYNC_TOPIC, RUNS_TOPIC, type EventBus, type Logger, type RunEvent } from "../../engine/ports.js";
import type { RunStore } from "../../engine/store.js";

/** The clocks of the replicas and the database may differ by this much. */
const CLOCK_MARGIN_MS = 2_000;
/** Events remembered to deliver each once, however it arrives (bus or database). */
const REMEMBERED = 10_000;

export function runsChangedStream(bus: EventBus, store: Pick<RunStore, "runLevelEventsSince">, logger: Logger): Repeater<RunEvent> {
  return new Repeater<RunEvent>(async (push, stop) => {
    const seen = new Set<string>();
    const deliver = (e: RunEvent) => {
      const key = `${e.runId}:${e.seq}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (seen.size > REMEMBERED) seen.delete(seen.values().next().value!);
      void push(e);
    };
    const offLive = bus.subscribe(RUNS_TOPIC, (events) => events.forEach(deliver));
    const offResync = bus.subscribe(BUS_RESYNC_TOPIC, (notices) => {
      const since = Math.min(...notices.map((n) => Number(n.data.since))) - CLOCK_MARGIN_MS;
      store.runLevelEventsSince(since).then(
        (events) => events.forEach(deliver),
        (err: unknown) => logger.warn({ err: String(err) }, "runsChanged: catching up after the bus reconnected failed"),
      );
    });
    await stop;
    offLive();
    offResync();
  }, new SlidingBuffer(1_000));
}
