// Lease fencing on both stores: a live process whose run lease is taken by
// another owner (simulated by a direct UPDATE of the run row) writes nothing
// more and stops driving the run — noticed either by its next commit, which the
// lease fences (LeaseLostError), or by its lease renewal when nothing is pending.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { LeaseLostError } from "../../src/engine/store.js";
import { storeKinds } from "../support/databases.js";
import { eventually, openTestEngine, recordEvents, sleep, type TestEngine } from "../support/engine.js";

const kinds = await storeKinds();
const INTRUDER = "another-host:1:intruder";

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => void process.on("unhandledRejection", onUnhandled));
afterAll(() => void process.off("unhandledRejection", onUnhandled));

/** What another process taking the lease does; returns the run row as it was taken. */
async function takeLease(t: TestEngine, runId: string) {
  const rows = await t.db.sql.query<{ last_seq: number; succeeded: number }>(
    `UPDATE runs SET lease_owner = $2, lease_expires_at = now() + interval '1 hour' WHERE id = $1 RETURNING last_seq, succeeded`,
    [runId, INTRUDER],
  );
  return { lastSeq: rows[0]!.last_seq, succeeded: rows[0]!.succeeded };
}

/** The run row and stored events, for comparing before and after a wait. */
async function snapshot(t: TestEngine, runId: string) {
  const run = (await t.engine.store.getRun(runId))!;
  const events = await t.engine.store.readEvents(runId, 0, 100_000);
  return { run, lastStoredSeq: events.at(-1)?.seq ?? 0, storedEvents: events.length };
}

/** `p`, or a failure after `ms`: a run still driven fails the test at once rather than hanging it. */
const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, sleep(ms).then(() => Promise.reject(new Error(`still driven after ${ms} ms`)))]);

/** Counts commits, and the ones the lease fenced off. */
function watchCommits(t: TestEngine) {
  const seen = { calls: 0, leaseLost: 0 };
  const store = t.engine.store;
  const commit = store.commit.bind(store);
  vi.spyOn(store, "commit").mockImplementation(async (b) => {
    seen.calls++;
    try {
      return await commit(b);
    } catch (err) {
      if (err instanceof LeaseLostError) seen.leaseLost++;
      throw err;
    }
  });
  return seen;
}

describe.each(kinds)("lease fencing on %s", (kind) => {
  let t: TestEngine | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    expect(unhandled).toEqual([]);
  });

  it("a process whose lease is taken while it commits writes nothing more and stops driving the run", async () => {
    // a long lease: renewals (every 20 s) cannot be what notices; only the fenced commit can
    t = await openTestEngine(kind, { leaseMs: 60_000 });
    const ids = Array.from({ length: 50 }, (_, i) => `slow-${i}`);
    const calls: string[] = [];
    for (const id of ids) t.tasks.set(id, async () => void (calls.push(id), await sleep(30)));
    const commits = watchCommits(t);
    const { runId } = await t.engine.startRun({ source: inlineSource(ids), options: { executor: "fn", maxParallel: 2 } });
    const published = recordEvents(t.engine, runId);
    await eventually(async () => (await t!.engine.store.getRun(runId))!.succeeded >= 6);

    const taken = await takeLease(t, runId);
    expect(taken.succeeded).toBeLessThan(50);
    const after = await within(2_000, t.engine.waitForRun(runId));
    expect(t.engine.isActive(runId)).toBe(false);
    expect(commits.leaseLost).toBe(1);
    // the row is as the takeover left it: still leased to the other owner, still "running" for it
    expect([after.leaseOwner, after.status, after.lastSeq, after.succeeded]).toEqual([INTRUDER, "running", taken.lastSeq, taken.succeeded]);

    const noticed = await snapshot(t, runId);
    const callsWhenNoticed = calls.length;
    await sleep(300);
    const later = await snapshot(t, runId);
    expect(later).toEqual(noticed);
    expect(later.lastStoredSeq).toBe(taken.lastSeq);
    expect(await t.engine.store.readEvents(runId, taken.lastSeq, 100)).toEqual([]);
    // nothing past the takeover was published as if durable, and no task started after the stop
    expect(published.every((e) => e.seq <= taken.lastSeq)).toBe(true);
    expect(calls.length).toBe(callsWhenNoticed);
    expect(calls.length).toBeLessThan(50);
  });

  it("the lease renewal finding the lease gone stops a run with no commit pending", async () => {
    t = await openTestEngine(kind, { leaseMs: 300 }); // renewed every 100 ms
    const ids = ["block-1", "block-2", "block-3"];
    let aborted = 0;
    let running = 0;
    for (const id of ids) {
      t.tasks.set(id, (req) => {
        running++;
        return new Promise((_, reject) => req.signal.addEventListener("abort", () => (aborted++, reject(new Error("aborted")))));
      });
    }
    const { runId } = await t.engine.startRun({ source: inlineSource(ids), options: { executor: "fn", maxParallel: 2 } });
    await eventually(async () => (await t!.engine.store.getRun(runId))!.running === 2);
    await sleep(50); // let the commit queue go idle
    const commits = watchCommits(t);

    const taken = await takeLease(t, runId);
    const after = await within(2_000, t.engine.waitForRun(runId));
    expect(t.engine.isActive(runId)).toBe(false);
    // stopped by the renewal alone: no commit was even attempted, and its tasks were killed
    expect(commits.calls).toBe(0);
    expect([aborted, running]).toEqual([2, 2]);
    expect([after.leaseOwner, after.status, after.lastSeq]).toEqual([INTRUDER, "running", taken.lastSeq]);
    const noticed = await snapshot(t, runId);
    await sleep(300);
    expect(await snapshot(t, runId)).toEqual(noticed);
    expect(running).toBe(2);
  });
});
