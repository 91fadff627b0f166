// runsChanged: run-level events of every run (started, paused, finished, ...),
// for dashboards, live from the bus. A slow client loses the oldest, never blocks
// others. A client coming back passes `since` (the `at` of the last change it
// saw): what was recorded from then on is read from the database first, then the
// live ones follow. When the bus says it may have lost messages (Redis
// reconnected), what was recorded meanwhile is read and delivered too. Each event
// is delivered once, however many ways it arrives.
import { Repeater, SlidingBuffer } from "graphql-yoga";
import { BUS_RESYNC_TOPIC, RUNS_TOPIC, type EventBus, type Logger, type RunEvent } from "../../engine/ports.js";
import type { RunStore } from "../../engine/store.js";

/** The clocks of the replicas and the database may differ by this much. */
const CLOCK_MARGIN_MS = 2_000;
/** Events remembered to deliver each once, however it arrives (bus or database). */
const REMEMBERED = 10_000;

export interface RunsChangedDeps {
  bus: EventBus;
  store: Pick<RunStore, "runLevelEventsSince">;
  logger: Logger;
}

/** `since` (epoch ms): replay the run-level events recorded at or after it, then go live. */
export function runsChangedStream({ bus, store, logger }: RunsChangedDeps, since?: number): Repeater<RunEvent> {
  return new Repeater<RunEvent>(async (push, stop) => {
    const seen = new Set<string>();
    const deliver = (e: RunEvent) => {
      const key = `${e.runId}:${e.seq}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (seen.size > REMEMBERED) seen.delete(seen.values().next().value!);
      void push(e);
    };
    // live events wait behind the replay, so that the client sees them in order
    let held: RunEvent[] | null = since === undefined ? null : [];
    const offLive = bus.subscribe(RUNS_TOPIC, (events) => (held ? held.push(...events) : events.forEach(deliver)));
    const offResync = bus.subscribe(BUS_RESYNC_TOPIC, (notices) => {
      const from = Math.min(...notices.map((n) => Number(n.data.since))) - CLOCK_MARGIN_MS;
      store.runLevelEventsSince(from).then(
        (events) => events.forEach(deliver),
        (err: unknown) => logger.warn({ err: String(err) }, "runsChanged: catching up after the bus reconnected failed"),
      );
    });
    if (since !== undefined) {
      try {
        (await store.runLevelEventsSince(since)).forEach(deliver);
        const live = held ?? [];
        held = null;
        live.forEach(deliver);
      } catch (err) {
        // a replay that cannot be read ends the subscription: going live without it would be a silent gap
        stop(err);
      }
    }
    await stop;
    offLive();
    offResync();
  }, new SlidingBuffer(1_000));
}
