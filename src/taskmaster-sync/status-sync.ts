// Status write-back for one run: follows the run's committed events on the
// bus and writes the statuses they mean into the tasks file the run read, one
// write at a time (later events for a task supersede earlier unwritten ones).
// Every write re-reads the file under Task Master's lock, patches it
// (patch.ts) and replaces it atomically, so edits made during the run are kept.
import { readFileSync } from "node:fs";
import type { EventBus, RunEvent } from "../engine/ports.js";
import { topics } from "../engine/topics.js";
import { removeStaleTemps, writeFileAtomic } from "./atomic-write.js";
import { withFileLock } from "./file-lock.js";
import { patchStatuses } from "./patch.js";
import { RESTORE, targetOf } from "./status-map.js";
import { locateTaskSpans, statusOf } from "./task-spans.js";

export interface StatusSyncOptions {
  bus: EventBus;
  runId: string;
  file: string;
  /** The tag the run read; undefined for untagged layouts. */
  tag: string | undefined;
  warn: (message: string) => void;
  now?: () => string;
}

const RETRY_MS = 250;

export class StatusSync {
  private readonly baseline = new Map<string, string>();
  /** What the file says (as last read or written) for every id. */
  private readonly expected = new Map<string, string>();
  private readonly wanted = new Map<string, string>();
  /** Ids edited by someone else during the run, or gone: never written again. */
  private readonly handsOff = new Set<string>();
  /** Ids this run marked in-progress and has not settled yet. */
  private readonly unsettled = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private retry: NodeJS.Timeout | undefined;
  private lastError = "";
  private closed = false;
  private readonly unsubscribe: () => void;
  writes = 0;

  constructor(private readonly o: StatusSyncOptions) {
    removeStaleTemps(o.file);
    const spans = locateTaskSpans(readFileSync(o.file, "utf8"), o.tag);
    for (const [id, span] of spans.tasks) this.baseline.set(id, statusOf(span));
    for (const [id, s] of this.baseline) this.expected.set(id, s);
    this.unsubscribe = o.bus.subscribe(topics.runEvents(o.runId), (events) => this.onEvents(events));
  }

  /** Resolves once the writes asked for so far were attempted. */
  settled(): Promise<void> {
    return this.chain;
  }

  /**
   * Stops following the run and waits for pending writes (retrying failed ones
   * for up to ~2 s). Tasks still in progress (the driver stopped while they ran:
   * Ctrl-C, shutdown) get back the status they had before the run, since they
   * will run again only when someone resumes it.
   */
  async close(): Promise<void> {
    this.unsubscribe();
    this.closed = true;
    for (const id of this.unsettled) {
      const before = this.baseline.get(id);
      if (before !== undefined && !this.handsOff.has(id)) this.wanted.set(id, before);
    }
    clearTimeout(this.retry);
    await this.schedule();
    for (let i = 0; i < 8 && this.wanted.size > 0; i++) {
      await new Promise((r) => setTimeout(r, RETRY_MS));
      await this.schedule();
    }
    if (this.wanted.size > 0) {
      this.o.warn(`could not write the status of ${[...this.wanted.keys()].join(", ")} to ${this.o.file}: ${this.lastError}`);
    }
  }

  private onEvents(events: readonly RunEvent[]): void {
    for (const e of events) {
      const target = targetOf(e);
      if (target === undefined || this.handsOff.has(e.taskId!)) continue;
      if (target === "in-progress") this.unsettled.add(e.taskId!);
      else this.unsettled.delete(e.taskId!);
      const status = target === RESTORE ? this.baseline.get(e.taskId!) : target;
      if (status !== undefined) this.wanted.set(e.taskId!, status);
    }
    if (this.wanted.size > 0) void this.schedule();
  }

  private schedule(): Promise<void> {
    this.chain = this.chain.then(() => this.flush());
    return this.chain;
  }

  private async flush(): Promise<void> {
    if (this.wanted.size === 0) return;
    const wanted = new Map(this.wanted);
    this.wanted.clear();
    try {
      const locked = await withFileLock(this.o.file, () => this.write(wanted));
      if (!locked) throw new Error(`${this.o.file}.lock stayed busy`);
    } catch (err) {
      // e.g. the file is mid-edit and not valid JSON: keep the statuses (newer ones win) and try again
      for (const [id, s] of wanted) if (!this.wanted.has(id) && !this.handsOff.has(id)) this.wanted.set(id, s);
      this.lastError = (err as Error).message;
      if (this.closed) return;
      clearTimeout(this.retry);
      this.retry = setTimeout(() => void this.schedule(), RETRY_MS);
      this.retry.unref();
    }
  }

  private write(wanted: Map<string, string>): void {
    const text = readFileSync(this.o.file, "utf8");
    const now = this.o.now?.() ?? new Date().toISOString();
    const r = patchStatuses({ text, tag: this.o.tag, wanted, expected: this.expected, now });
    for (const c of r.conflicts) {
      this.handsOff.add(c.id);
      this.o.warn(
        `task ${c.id} was changed to "${c.found}" in ${this.o.file} during the run; left as is (Conveyor would have written "${wanted.get(c.id) ?? "a derived status"}")`,
      );
    }
    for (const id of r.missing) {
      this.handsOff.add(id);
      this.o.warn(`task ${id} is no longer in ${this.o.file}; its status was not written`);
    }
    if (r.text !== text) {
      writeFileAtomic(this.o.file, r.text);
      this.writes++;
    }
    for (const [id, s] of r.written) this.expected.set(id, s);
  }
}
