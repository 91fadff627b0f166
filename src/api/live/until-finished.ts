// runEvents(untilFinished: true): the subscription completes once the run's
// run.finished event is delivered and the run has not gone on since (a resume
// after it would come as more events). Checked only on run.finished events.
import type { RunEvent } from "../../engine/ports.js";
import { isRunSettled } from "../../core/status.js";
import type { RunRecord } from "../../engine/store.js";
import { NONE_READY, readyItemsOf, type ReadyItems } from "./ready-items.js";

type Items = RunEvent | readonly RunEvent[];

const lastOf = (item: Items): RunEvent | undefined => (Array.isArray(item) ? item[item.length - 1] : (item as RunEvent));

const holdsFinish = (item: Items) =>
  Array.isArray(item) ? item.some((e: RunEvent) => e.type === "run.finished") : (item as RunEvent).type === "run.finished";

/**
 * Ends `source` after the item holding a finished run's final event. Items at
 * hand are passed on up to such an item, which next() then gives and checks.
 */
export function untilFinished<T extends Items>(
  source: AsyncIterator<T>,
  getRun: () => Promise<RunRecord | null>,
): AsyncIterator<T> & ReadyItems<T> {
  let ended = false;
  const take = readyItemsOf<T>(source);
  return {
    takeReady: (max, stop) => (ended || !take ? NONE_READY : take(max, (item) => holdsFinish(item) || (stop?.(item) ?? false))),
    next: async () => {
      if (ended) {
        await source.return?.();
        return { value: undefined, done: true };
      }
      const n = await source.next();
      const last = n.done ? undefined : lastOf(n.value);
      if (last?.type === "run.finished") {
        const run = await getRun();
        ended = run !== null && isRunSettled(run.status) && run.lastSeq <= last.seq;
      }
      return n;
    },
    return: async () => {
      ended = true;
      await source.return?.();
      return { value: undefined, done: true };
    },
  };
}
