// Items a subscription's source already holds after the one its next() gave: the
// rest of a page read from the database, or of a slice of a run's feed. A reader
// that can handle many at once (fast/shared-execution.ts: one execution and one
// socket write for a page of events) takes them without a round of next() each.
// Sources and the wrappers around them (until-finished.ts, tracked) pass it on.

export interface Ready<T> {
  items: readonly T[];
  /**
   * Whether these items are objects other readers get too (a slice of a run's
   * feed), so that work done for them is worth keeping for those; false when they
   * were read for this reader alone (a page of history from the database).
   */
  shared: boolean;
}

export const NONE_READY: Ready<never> = { items: [], shared: false };

export interface ReadyItems<T> {
  /**
   * Takes, without waiting, at most `max` of the items at hand that next() would
   * give next, in order, stopping before the first for which `stop` holds.
   * None when none is at hand.
   */
  takeReady(max: number, stop?: (item: T) => boolean): Ready<T>;
}

/** `source`'s takeReady, bound, when it has one. */
export function readyItemsOf<T>(source: object): ReadyItems<T>["takeReady"] | undefined {
  const take = (source as Partial<ReadyItems<T>>).takeReady;
  return typeof take === "function" ? take.bind(source) : undefined;
}
