// What the bus carries besides a run's events: notices between processes, in the
// envelope of an event (runId, type, data, at) but in no run's log (seq 0), so the
// buses and the wire treat both alike. Each topic (topics.ts) carries one kind.

/** A notice of type K with data D. */
export interface BusNotice<K extends string, D> {
  runId: string;
  seq: 0;
  type: K;
  data: D;
  at: number;
}

/** A command to steer a run, relayed to the process that drives it (steering.ts). */
export type Command =
  | { action: "pause" }
  | { action: "resume"; checkpointId?: string }
  | { action: "cancel"; reason?: string }
  | { action: "retry"; taskId: string }
  | { action: "mark"; taskId: string; as: "succeeded" | "skipped" }
  | { action: "checkpoint" };

export type ControlNotice = BusNotice<`control.${Command["action"]}`, Command>;

/** A process released the lease of a run it still had (a graceful stop). */
export type LeaseNotice = BusNotice<"lease.released", { owner: string }>;

/** This process's bus may have lost messages from others since `since` (ms): catch up from the database. */
export type ResyncNotice = BusNotice<"bus.resync", { since: number }>;

/** One log line on the wire: [seq, 0 stdout | 1 stderr, text]. */
export type WireLine = [number, 0 | 1, string];

/** Which attempt a watch notice is about, and who watches (a subscriber's id; absent from older replicas). */
interface WatchOf {
  runId: string;
  taskId: string;
  attempt: number;
  watcher?: string;
}

/**
 * What the log-watch topic carries: "I watch this attempt" (log.watch, renewed; with `id`
 * also "send me what you have", answered by log.snapshot to that id), or "I stopped watching" (log.unwatch).
 */
export type LogWatchNotice = BusNotice<"log.watch", WatchOf & { id?: string }> | BusNotice<"log.unwatch", WatchOf & { watcher: string }>;

/** What an attempt's log topic carries (task-logs.ts). */
export type TaskLogNotice =
  | BusNotice<"log.lines", { lines: WireLine[] }>
  | BusNotice<"log.end", { last: number }>
  | BusNotice<"log.snapshot", { to: string; lines: WireLine[]; last: number; ended: boolean }>;

/** The notices made by busNotice (a command's is made from the command, steering.ts). */
type Notice = LeaseNotice | ResyncNotice | LogWatchNotice | TaskLogNotice;
type NoticeOf<K extends Notice["type"]> = Extract<Notice, { type: K }>;

/** Makes a notice, stamped now. */
export function busNotice<K extends Notice["type"]>(type: K, data: NoticeOf<K>["data"], runId = ""): NoticeOf<K> {
  return { runId, seq: 0, type, data, at: Date.now() } as NoticeOf<K>;
}
