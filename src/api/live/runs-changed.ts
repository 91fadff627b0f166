// runsChanged: the run changes of every run (started, paused, finished, ...;
// core/events.ts isRunChange), for dashboards, live from the bus. A slow client loses
// the oldest, never blocks others. A client coming back passes `since` (the `at`
// of the last change it saw): what was recorded from then on is read from the
// database first, then the live ones follow. When the bus says it may have lost
// messages (Redis reconnected), what was recorded meanwhile is read and
// delivered too. Each change is delivered once, however many ways it arrives.
import { Repeater, SlidingBuffer } from "@repeaterjs/repeater";
import { InvalidOptionError } from "../../core/errors.js";
import type { EventBus, Logger, RunEvent } from "../../engine/ports.js";
import { topics } from "../../engine/topics.js";
import type { RunStore } from "../../engine/store.js";

/**
 * How far before a given instant changes are read again: `at` is taken before
 * the commit (a change committed later may carry an earlier `at` than one the
 * client saw), by the clock of whichever replica made it.
 */
const AT_MARGIN_MS = 2_000;
/** Changes remembered to deliver each once, however it arrives (bus or database). */
const REMEMBERED = 10_000;
/** A `since` further back than this is refused: reading that much history is a job for runs(). */
export const SINCE_WINDOW_MS = 60 * 60_000;
/** The most changes a `since` replays; more ends the subscription with an error saying so. */
export const REPLAY_LIMIT = 1_000;

export interface RunsChangedDeps {
  bus: EventBus;
  store: Pick<RunStore, "runChangesSince">;
  logger: Logger;
}

/** `since` (epoch ms): replay the changes recorded from then on, then go live. Throws for a `since` out of the window. */
export function runsChangedStream({ bus, store, logger }: RunsChangedDeps, since?: number, now = Date.now()): Repeater<RunEvent> {
  if (since !== undefined && since < now - SINCE_WINDOW_MS) {
    throw new InvalidOptionError(
      "since",
      `${new Date(since).toISOString()} is more than an hour ago: read runs or activeRuns, then subscribe without since`,
    );
  }
  return new Repeater<RunEvent>(
    async (push, stop) => {
      const seen = new Set<string>();
      const deliver = (e: RunEvent) => {
        const key = `${e.runId}:${e.seq}`;
        if (seen.has(key)) return;
        seen.add(key);
        if (seen.size > REMEMBERED) seen.delete(seen.values().next().value!);
        void push(e);
      };
      // while the replay is read, everything else waits behind it, so that the client sees changes in order
      let held: RunEvent[] | null = since === undefined ? null : [];
      const arrive = (events: readonly RunEvent[]) => (held ? held.push(...events) : events.forEach(deliver));
      const offLive = bus.subscribe(topics.runChanges, arrive);
      const offResync = bus.subscribe(topics.busResync, (notices) => {
        const from = Math.min(...notices.map((n) => n.data.since)) - AT_MARGIN_MS;
        store
          .runChangesSince(from, REMEMBERED)
          .then(arrive, (err: unknown) => logger.warn({ err: String(err) }, "runsChanged: catching up after the bus reconnected failed"));
      });
      if (since !== undefined) {
        try {
          // a change committed after the read below must come live: wait until the bus carries it here
          await bus.subscribed?.(topics.runChanges);
          const replay = await store.runChangesSince(since - AT_MARGIN_MS, REPLAY_LIMIT + 1);
          if (replay.length > REPLAY_LIMIT) {
            throw new InvalidOptionError(
              "since",
              `more than ${REPLAY_LIMIT} run changes since ${new Date(since).toISOString()}: read runs or activeRuns, then subscribe without since`,
            );
          }
          replay.forEach(deliver);
          const live = held ?? [];
          held = null;
          live.forEach(deliver);
        } catch (err) {
          // going live without the replay would be a silent gap
          stop(err);
        }
      }
      await stop;
      offLive();
      offResync();
      // room for a whole replay and the live changes held behind it, before the oldest are dropped
    },
    new SlidingBuffer(REPLAY_LIMIT + 1_000),
  );
}
