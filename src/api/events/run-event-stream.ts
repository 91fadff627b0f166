// runEvents: every event after `after`, replayed from the database, then live
// from the bus, with no gap and no duplicate across the switch. The bus is
// subscribed FIRST and buffered, so nothing committed during the replay is
// missed; the seq of the last delivered event decides what the buffer still
// owes. A gap in what the bus delivers (a lost message, a Redis outage, a
// buffer overflow) is filled from the database, and an idle stream re-reads
// the database now and then, so a silent bus cannot stall it.
import { Repeater } from "graphql-yoga";
import { runTopic, type EventBus, type RunEvent } from "../../engine/ports.js";
import type { RunStore } from "../../engine/store.js";

export interface EventStreamDeps {
  store: Pick<RunStore, "readEvents">;
  bus: EventBus;
}

export interface EventStreamOptions {
  /** Events read per database query. */
  pageSize?: number;
  /** An idle stream re-reads the database this often. */
  pollMs?: number;
  /** Events held for a slow client before falling back to the database. */
  maxBuffer?: number;
}

export function runEventStream(deps: EventStreamDeps, runId: string, after: number, opts: EventStreamOptions = {}) {
  const pageSize = opts.pageSize ?? 500;
  const pollMs = opts.pollMs ?? 3_000;
  const maxBuffer = opts.maxBuffer ?? 10_000;

  return new Repeater<RunEvent>(async (push, stop) => {
    let last = after;
    let buffer: RunEvent[] = [];
    let overflow = false;
    let stopped = false;
    let wake = () => {};
    void stop.then(() => {
      stopped = true;
      wake();
    });
    const unsubscribe = deps.bus.subscribe(runTopic(runId), (events) => {
      if (buffer.length + events.length > maxBuffer) {
        buffer = [];
        overflow = true; // the database has them all: re-read instead of holding them
      } else buffer.push(...events);
      wake();
    });

    const deliver = async (e: RunEvent) => {
      await push(e);
      last = e.seq;
    };
    const catchUp = async () => {
      for (;;) {
        const page = await deps.store.readEvents(runId, last, pageSize);
        for (const e of page) {
          if (stopped) return;
          await deliver(e);
        }
        if (page.length < pageSize) return;
      }
    };
    const idle = () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });

    try {
      await catchUp();
      while (!stopped) {
        if (buffer.length === 0 && !overflow) {
          if (!(await idle())) await catchUp();
          continue;
        }
        if (overflow) {
          overflow = false;
          await catchUp();
          continue;
        }
        const batch = buffer;
        buffer = [];
        for (const e of batch) {
          if (stopped) break;
          if (e.seq > last + 1) await catchUp(); // a gap: the database has what the bus lost
          if (e.seq === last + 1) await deliver(e);
        }
      }
    } catch (err) {
      stop(err);
    } finally {
      unsubscribe();
    }
  });
}
