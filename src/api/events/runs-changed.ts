// runsChanged: run-level events of every run (started, paused, finished, ...),
// for dashboards. Live only; a slow client loses the oldest, never blocks others.
import { Repeater, SlidingBuffer } from "graphql-yoga";
import { RUNS_TOPIC, type EventBus, type RunEvent } from "../../engine/ports.js";

export function runsChangedStream(bus: EventBus): Repeater<RunEvent> {
  return new Repeater<RunEvent>(async (push, stop) => {
    const unsubscribe = bus.subscribe(RUNS_TOPIC, (events) => {
      for (const e of events) void push(e);
    });
    await stop;
    unsubscribe();
  }, new SlidingBuffer(1_000));
}
