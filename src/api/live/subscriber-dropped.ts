// What a live subscriber that fell too far behind is told: the replica keeps a
// bounded window of each run's events (the feed's `retain`), and rather than
// read the database for one client that cannot keep up, or hold more for it,
// it ends the subscription with this error. The client resubscribes with
// `after` = the seq of the last event it received and misses nothing.
import { ConveyorError } from "../../core/errors.js";

export class SubscriberDroppedError extends ConveyorError {
  readonly code = "SUBSCRIBER_DROPPED";
  constructor(
    readonly runId: string,
    /** The seq of the last event this subscriber was given. */
    readonly after: number,
    readonly behind: number,
    readonly limit: number,
  ) {
    super(
      `dropped: this subscriber fell ${behind} events behind run ${runId} (this server keeps ${limit} for live subscribers); ` +
        `subscribe again with after: ${after} to go on from the last event it received`,
    );
  }
}

/**
 * A dropped subscription's last item (the API's subscription wrapper turns the
 * error into it): the field's resolver throws its error (`unlessDropped`), so
 * that the client gets it as the error of one last result, then "complete",
 * over any transport. Thrown from the stream itself,
 * graphql-ws would close the whole connection, with every other subscription on it.
 */
export class Dropped {
  constructor(readonly error: SubscriberDroppedError) {}
}

/** The item, or the error of a Dropped one thrown. */
export function unlessDropped<T>(item: T | Dropped): T {
  if (item instanceof Dropped) throw item.error;
  return item;
}
