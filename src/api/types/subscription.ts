// Subscriptions: gapless run events, coalesced progress, run-level changes.
import type { RunEvent } from "../../engine/ports.js";
import type { ApiContext } from "../context.js";
import { builder } from "../builder.js";
import { runsChangedStream } from "../live/runs-changed.js";
import { Dropped, SubscriberDroppedError, unlessDropped } from "../live/subscriber-dropped.js";
import { untilFinished } from "../live/until-finished.js";
import { NONE_READY, readyItemsOf, type ReadyItems } from "../live/ready-items.js";
import { ProgressRef } from "./progress.js";
import { RunEventRef } from "./run-event.js";
import { RunRef } from "./run.js";

/**
 * Counts the subscription as active until it ends. A thin iterator over the
 * source, not a generator (a generator awaiting its source cannot be returned
 * early, so a client's "complete" would wait for the next event) nor another
 * Repeater (one more promise hand-off per message, for every subscriber).
 */
export function tracked<T>(ctx: ApiContext, source: AsyncIterator<T>): AsyncIterableIterator<T> & Partial<ReadyItems<T>> {
  ctx.metrics?.activeSubscriptions.inc();
  let open = true;
  // a shutdown returns the source: its pending next() ends, and the client gets "complete"
  const unregister = ctx.subscriptions.add(() => void source.return?.());
  const end = () => {
    if (open) ctx.metrics?.activeSubscriptions.dec();
    open = false;
    unregister();
  };
  let dropped = false;
  const take = readyItemsOf<T>(source);
  const it: AsyncIterableIterator<T> & Partial<ReadyItems<T>> = {
    [Symbol.asyncIterator]: () => it,
    ...(take ? { takeReady: (max: number, stop?: (item: T) => boolean) => (open ? take(max, stop) : NONE_READY) } : {}),
    next: async () => {
      if (dropped) return { value: undefined, done: true };
      try {
        const n = await source.next();
        if (n.done) end();
        return n;
      } catch (err) {
        end();
        // a subscriber that fell too far behind gets SUBSCRIBER_DROPPED as its last result's error
        // (subscriber-dropped.ts), here rather than in one more wrapper: a promise less per message
        if (!(err instanceof SubscriberDroppedError)) throw err;
        dropped = true;
        // only run event feeds throw it, and their resolvers take it apart (unlessDropped)
        return { value: new Dropped(err) as T, done: false };
      }
    },
    return: async () => {
      end();
      await source.return?.();
      return { value: undefined, done: true };
    },
  };
  return it;
}

const RunChange = builder.objectRef<RunEvent>("RunChange").implement({
  fields: (t) => ({
    runId: t.exposeID("runId"),
    type: t.exposeString("type", { description: "run.started, run.paused, run.resumed, run.finished, ..." }),
    event: t.field({ type: RunEventRef, resolve: (e) => e }),
    run: t.field({ type: RunRef, nullable: true, resolve: (e, _a, ctx) => ctx.runs.getRun(e.runId) }),
  }),
});

/** The result depends on the payload only: executed once per payload for all who ask alike (fast/shared-execution.ts, with the fast paths on). */
const sharedPayload = { sharedPayload: true };
/** With the fast paths on, a page of runEvents payloads is executed at once as a runEventBatches list (fast/shared-execution.ts). */
const pagedByBatches = { ...sharedPayload, pagedBy: "runEventBatches" };

/** A run's events after `after`, from its shared feed, once the run is known to exist. */
function fromFeed<T extends RunEvent | readonly RunEvent[]>(
  follow: (ctx: ApiContext, runId: string, after: number) => AsyncIterator<T>,
): (
  _r: unknown,
  args: { runId: string | number; after?: number | null; untilFinished?: boolean | null },
  ctx: ApiContext,
) => Promise<AsyncIterableIterator<T | Dropped>> {
  return async (_r: unknown, args: { runId: string | number; after?: number | null; untilFinished?: boolean | null }, ctx: ApiContext) => {
    const runId = String(args.runId);
    await ctx.runs.requireRun(runId);
    const feed = follow(ctx, runId, Math.max(0, args.after ?? 0));
    return tracked(ctx, args.untilFinished ? untilFinished(feed, () => ctx.runs.getRun(runId)) : feed);
  };
}

const UNTIL_FINISHED =
  "Complete the subscription once the run's run.finished event is delivered, unless the run has gone on since " +
  "(default false: follow the run for as long as the client stays, a resume included)";

builder.subscriptionFields((t) => ({
  runEvents: t.field({
    type: RunEventRef,
    description:
      "Every event after sequence `after` (default 0: all of them), then live; no gap, no duplicate. A live subscriber that falls " +
      "further behind than the server keeps (CONVEYOR_API_EVENT_RETAIN) gets a last result with the error SUBSCRIBER_DROPPED: subscribe again with `after`",
    args: {
      runId: t.arg.id({ required: true }),
      after: t.arg.int({ defaultValue: 0 }),
      untilFinished: t.arg.boolean({ defaultValue: false, description: UNTIL_FINISHED }),
    },
    subscribe: fromFeed<RunEvent>((ctx, runId, after) => ctx.eventFeeds.events(runId, after)),
    resolve: (e: RunEvent | Dropped) => unlessDropped(e),
    extensions: pagedByBatches,
  }),
  runEventBatches: t.field({
    type: [RunEventRef],
    description:
      "runEvents in lists: every event after sequence `after`, then live, consecutive events coalesced over a few ms " +
      "(and all a slow client has not taken yet in lists of at most CONVEYOR_API_EVENT_MAX_BATCH); no gap, no duplicate. Fewer messages " +
      "at high event rates. Dropped as runEvents is (SUBSCRIBER_DROPPED), which coalescing makes rare",
    args: {
      runId: t.arg.id({ required: true }),
      after: t.arg.int({ defaultValue: 0 }),
      untilFinished: t.arg.boolean({ defaultValue: false, description: UNTIL_FINISHED }),
    },
    subscribe: fromFeed<readonly RunEvent[]>((ctx, runId, after) => ctx.eventFeeds.batches(runId, after)),
    resolve: (events: readonly RunEvent[] | Dropped) => unlessDropped(events),
    extensions: sharedPayload,
  }),
  runProgress: t.field({
    type: ProgressRef,
    description: "Progress snapshots at a bounded rate; the last one is taken after the run finished",
    args: { runId: t.arg.id({ required: true }) },
    subscribe: async (_r, { runId }, ctx) => {
      await ctx.runs.requireRun(String(runId));
      return tracked(ctx, ctx.progressHub.watch(String(runId)));
    },
    resolve: (progress, { runId }) => ({ runId: String(runId), progress }),
    extensions: sharedPayload,
  }),
  runsChanged: t.field({
    type: RunChange,
    description:
      "Run-level changes of every run (started, paused, resumed, cancelling, timing out, finished), live. With `since` " +
      "(the `at` of the last change a client saw, within the last hour), the changes recorded from 2 s before it come " +
      "first, from the database (runId and event.seq tell those already seen), then the live ones; each change once",
    args: { since: t.arg({ type: "DateTime" }) },
    subscribe: (_r, { since }, ctx) =>
      tracked(
        ctx,
        runsChangedStream({ bus: ctx.runs.engine.bus, store: ctx.runs.store, logger: ctx.logger }, since ? since.getTime() : undefined),
      ),
    resolve: (e) => e,
    extensions: sharedPayload,
  }),
}));
