// Group commit's pacing: a batch something waits for commits on the next turn
// of the event loop; one nobody waits for gathers for the commit window first.
// Real timers; the window is made long so that "not yet" cannot be a race.
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { CommitQueue } from "../../src/engine/commit-queue.js";
import type { PendingWrites } from "../../src/engine/pending-writes.js";
import type { RunEvent } from "../../src/engine/ports.js";

const event = (seq: number): RunEvent => ({ runId: "r", seq, type: "task.started", taskId: `t${seq}`, data: { attempt: 1 }, at: 0 });

function queue(windowMs: number) {
  const written: PendingWrites[] = [];
  const q = new CommitQueue(
    async (w) => void written.push(w),
    (err) => {
      throw err;
    },
    windowMs,
  );
  const emit = (seq: number) => {
    q.current.addEvent(event(seq));
    q.request();
  };
  return { q, written, emit };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await nextTurn();
};

describe("CommitQueue", () => {
  it("holds a batch nobody waits for until the window closes, then writes it once", async () => {
    const { written, emit } = queue(60);
    emit(1);
    await turns(5);
    emit(2);
    await turns(5);
    expect(written).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 120));
    expect(written.map((w) => w.events.map((e) => e.seq))).toEqual([[1, 2]]);
  });

  it("writes at once when something waits: a dependent to start, a run-level change, a command", async () => {
    for (const mark of [
      (w: PendingWrites) => w.afterCommit(() => undefined),
      (w: PendingWrites) => w.markRunChanged(),
      (w: PendingWrites) => w.markAwaited(),
    ]) {
      const { q, written, emit } = queue(60_000);
      emit(1);
      await turns(3);
      expect(written).toHaveLength(0);
      mark(q.current);
      q.request();
      await turns(3);
      expect(written).toHaveLength(1);
      expect(written[0]!.events.map((e) => e.seq)).toEqual([1]);
    }
  });

  it("does not hurry for an interval checkpoint", async () => {
    const { q, written, emit } = queue(60_000);
    emit(1);
    q.current.takeCheckpoint("interval");
    q.request();
    await turns(5);
    expect(written).toHaveLength(0);
  });

  it("idle() commits what is pending without waiting for the window", async () => {
    const { q, written, emit } = queue(60_000);
    emit(1);
    await q.idle();
    expect(written).toHaveLength(1);
  });

  it("after a commit, a batch gathered meanwhile waits for its own window unless it is due", async () => {
    let release!: () => void;
    const written: number[][] = [];
    const q = new CommitQueue(
      async (w) => {
        written.push(w.events.map((e) => e.seq));
        if (written.length === 1) await new Promise<void>((r) => (release = r));
      },
      () => undefined,
      60_000,
    );
    q.current.addEvent(event(1));
    q.current.markAwaited();
    q.request();
    await turns(3);
    expect(written).toEqual([[1]]); // in flight
    q.current.addEvent(event(2));
    q.request();
    release();
    await turns(5);
    expect(written).toEqual([[1]]);
    q.current.afterCommit(() => undefined);
    q.request();
    await turns(3);
    expect(written).toEqual([[1], [2]]);
  });
});
