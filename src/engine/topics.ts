// The bus's topics, each typed by what it carries: the one place their names are
// made. The buses (src/pubsub) and every publisher and subscriber take a Topic,
// never a string, so a topic cannot be misspelt nor carry the wrong kind of message.
import type { RunChangeEvent, RunEvent } from "../core/events.js";
import type { ControlNotice, LeaseNotice, LogWatchNotice, ResyncNotice, TaskLogNotice } from "./bus-notices.js";

declare const carries: unique symbol;

/** A topic's name (as on the wire), typed by the messages it carries. */
export type Topic<T> = string & { readonly [carries]: T };

const topic = <T>(name: string) => name as Topic<T>;

export const topics = {
  /** A run's committed events, in order. */
  runEvents: (runId: string) => topic<RunEvent>(`run:${runId}`),
  /** Run-level changes of every run (isRunChange), for dashboards. */
  runChanges: topic<RunChangeEvent>("runs"),
  /** Commands relayed to the process that drives a run. */
  control: topic<ControlNotice>("control"),
  /** Notices that a process released the leases of runs it still had (a graceful stop). */
  leases: topic<LeaseNotice>("leases"),
  /**
   * Published in this process only, by a bus that may have lost messages from other
   * processes (Redis reconnected): what follows live events without an `after` of its
   * own catches up from the database.
   */
  busResync: topic<ResyncNotice>("bus.resync"),
  /** Who watches which attempt's live log (task-logs.ts). */
  logWatch: topic<LogWatchNotice>("logs.watch"),
  /** One attempt's live log lines. */
  taskLog: (runId: string, taskId: string, attempt: number) => topic<TaskLogNotice>(`logs:${runId}:${attempt}:${taskId}`),
};

/** Whether a topic is some run's events (what metrics count). */
export const isRunEventsTopic = (t: Topic<unknown>): t is Topic<RunEvent> => t.startsWith("run:");

/** A topic named by a message from the wire (Redis): it carries what its publisher's Topic said. */
export const topicFromWire = (name: string): Topic<unknown> => topic<unknown>(name);
