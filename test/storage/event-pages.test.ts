// The event log is stored in pages (run-events.ts): reads must return exactly the
// events after a sequence number, whatever page boundaries fall where, on both
// stores; the run changes of every run since an instant are picked out of the
// pages exactly; and the migration that introduced pages keeps every earlier event.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunEvent } from "../../src/engine/ports.js";
import type { CommitBatch } from "../../src/engine/store.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { applyMigrations, readMigrations, type SqlRunner } from "../../src/storage/migrations.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { EVENTS_PER_PAGE, readEvents, runChangesSince } from "../../src/storage/run-events.js";
import { makeStore, postgresReachable, postgresStore, storeKinds, type TestStore } from "../support/databases.js";
import type { RunEventType } from "../../src/core/events.js";
import { eventOf } from "../support/events.js";

const kinds = await storeKinds();

// the store keeps an event's data as JSON, whatever it holds: nested, null, lists
const event = (runId: string, seq: number): RunEvent =>
  ({
    runId,
    seq,
    type: seq % 7 === 0 ? "run.checkpoint" : "task.succeeded",
    ...(seq % 7 === 0 ? {} : { taskId: `t${seq}` }),
    data: { n: seq, reason: null, nested: { list: [1, "two", null] } },
    at: 1_780_000_000_000 + seq,
  }) as unknown as RunEvent;

const counters = {
  status: "running" as const,
  total: 0,
  pending: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  skipped: 0,
  cancelled: 0,
  memoized: 0,
  finishedSinceCheckpoint: 0,
  reason: null,
  startedAt: 0,
  finishedAt: null,
};

describe.each(kinds)("the paged event log on %s", (kind) => {
  let store: TestStore;
  let db: Database;
  const runId = `event-pages-${kind}`;
  const all: RunEvent[] = [];

  beforeAll(async () => {
    store = await makeStore(kind);
    db = await openDatabase({ url: store.config.databaseUrl, dataDir: store.config.dataDir });
    const runs = new PrismaRunStore(db);
    await runs.createRun(
      { id: runId, options: {} as never, source: { origin: "inline", format: "inline", warnings: [] } as never, units: [], createdAt: 0 },
      "me",
      60_000,
    );
    // commits of 1, 255, 256, 300 and 700 events: pages end at 256 events and at each commit
    let seq = 0;
    for (const size of [1, 255, 256, 300, 700]) {
      const events = Array.from({ length: size }, () => event(runId, ++seq));
      const batch: CommitBatch = { runId, owner: "me", run: { ...counters, lastSeq: seq }, tasks: [], attempts: [], events, memo: [] };
      await runs.commit(batch);
      all.push(...events);
    }
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await store?.dispose();
  });

  it("splits commits into pages of at most EVENTS_PER_PAGE", async () => {
    const pages = await db.sql.query<{ first_seq: number; last_seq: number }>(
      "SELECT first_seq, last_seq FROM run_event_pages WHERE run_id = $1 ORDER BY first_seq",
      [runId],
    );
    expect(pages.map((p) => [p.first_seq, p.last_seq])).toEqual([
      [1, 1],
      [2, 256],
      [257, 512],
      [513, 768],
      [769, 812],
      [813, 1068],
      [1069, 1324],
      [1325, 1512],
    ]);
    expect(Math.max(...pages.map((p) => p.last_seq - p.first_seq + 1))).toBeLessThanOrEqual(EVENTS_PER_PAGE);
  });

  it("reads exactly the events after any sequence number, up to the limit", async () => {
    for (const after of [0, 1, 2, 255, 256, 257, 511, 512, 768, 811, 812, 1000, 1511, 1512, 2000]) {
      for (const limit of [1, 2, 100, 256, 257, 5_000]) {
        const want = all.filter((e) => e.seq > after).slice(0, limit);
        expect(await readEvents(db.sql, runId, after, limit), `after ${after}, limit ${limit}`).toEqual(want);
      }
    }
  });

  it("reads nothing of other runs", async () => {
    expect(await readEvents(db.sql, "no-such-run", 0, 10)).toEqual([]);
  });
});

describe.each(kinds)("run changes since an instant on %s", (kind) => {
  let store: TestStore;
  let db: Database;
  const T = Date.now();
  const types: RunEventType[] = [
    "run.started",
    "task.started",
    "task.succeeded",
    "run.checkpoint",
    "run.paused",
    "run.resumed",
    "task.failed",
    "run.cancelling",
    "run.finished",
  ];
  const written: RunEvent[] = [];

  beforeAll(async () => {
    store = await makeStore(kind);
    db = await openDatabase({ url: store.config.databaseUrl, dataDir: store.config.dataDir });
    const runs = new PrismaRunStore(db);
    // two runs, their changes interleaved in time, each committed in two batches
    for (const [r, runId] of ["changes-a", "changes-b"].entries()) {
      await runs.createRun(
        { id: runId, options: {} as never, source: { origin: "inline", format: "inline", warnings: [] } as never, units: [], createdAt: 0 },
        "me",
        60_000,
      );
      const events = types.map((type, i) =>
        eventOf(type, { runId, seq: i + 1, at: T - 1_000 + 100 * i + r * 50, ...(type.startsWith("task.") ? { taskId: "t1" } : {}) }),
      );
      for (const part of [events.slice(0, 4), events.slice(4)]) {
        await runs.commit({
          runId,
          owner: "me",
          run: { ...counters, lastSeq: part.at(-1)!.seq },
          tasks: [],
          attempts: [],
          events: part,
          memo: [],
        });
      }
      written.push(...events);
    }
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await store?.dispose();
  });

  const changes = (since: number) =>
    written.filter((e) => e.type.startsWith("run.") && e.type !== "run.checkpoint" && e.at >= since).sort((a, b) => a.at - b.at);

  it("returns every run's changes from the instant on, in the order of their `at`, without checkpoints or task events", async () => {
    for (const since of [T - 5_000, T - 1_000, T - 950, T - 601, T - 600, T - 200, T + 1_000]) {
      expect(await runChangesSince(db.sql, since, 100), `since T${since - T}`).toEqual(changes(since));
    }
  });

  it("returns at most the limit, the oldest first", async () => {
    expect(await runChangesSince(db.sql, T - 5_000, 3)).toEqual(changes(T - 5_000).slice(0, 3));
  });
});

const hasPostgres = await postgresReachable();

describe.skipIf(!hasPostgres)("the migration to pages", () => {
  let store: TestStore;
  let client: pg.Client;
  beforeAll(async () => {
    store = await postgresStore();
    client = new pg.Client({ connectionString: store.config.databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await store?.dispose();
  });

  it("moves every earlier event into pages, data and all", async () => {
    const sql: SqlRunner = {
      exec: async (text) => void (await client.query(text)),
      query: async <T>(text: string, values?: unknown[]) => (await client.query(text, values)).rows as T[],
      transaction: async (fn) => {
        await client.query("BEGIN");
        await fn(sql);
        await client.query("COMMIT");
      },
    };
    const migrations = readMigrations();
    const at = migrations.findIndex((m) => m.name.endsWith("_run_event_pages"));
    await applyMigrations(sql, migrations.slice(0, at));
    await client.query(`INSERT INTO runs (id, status, options, source, total) VALUES ('old', 'succeeded', '{}', '{}', 0)`);
    const old = Array.from({ length: 600 }, (_, i) => event("old", i + 1));
    for (const e of old) {
      await client.query(
        `INSERT INTO run_events (run_id, seq, type, task_id, data, created_at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6::float8 / 1000))`,
        [e.runId, e.seq, e.type, e.taskId ?? null, JSON.stringify(e.data), e.at],
      );
    }
    await applyMigrations(sql, migrations);
    expect(await readEvents(sql, "old", 0, 10_000)).toEqual(old);
    expect(await readEvents(sql, "old", 300, 2)).toEqual(old.slice(300, 302));
  });
});
