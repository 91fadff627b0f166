// The memo cache's own expiry on both stores: with a time to live, an entry older than it is
// no hit (the task runs again) while a fresh one is (the task is memoized), and the background
// pruner removes the expired entries; with a most-entries bound it removes the oldest beyond it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { silentLogger } from "../../src/engine/ports.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { makeStore, storeKinds, type TestStore } from "../support/databases.js";
import { eventually } from "../support/engine.js";

const kinds = await storeKinds();
const DAY = 86_400_000;

describe.each(kinds)("memo cache expiry on %s", (kind) => {
  let store: TestStore;
  let app: App;
  const ran: string[] = [];

  const keys = async () =>
    (await app.db.sql.query<{ task_id: string }>(`SELECT task_id FROM memo_cache ORDER BY created_at, task_id`)).map((r) => r.task_id);
  const age = (taskIds: string[], days: number) =>
    app.db.sql.query(`UPDATE memo_cache SET created_at = now() - make_interval(days => $2) WHERE task_id = ANY($1::text[])`, [
      taskIds,
      days,
    ]);
  const run = async (ids: string[]) => {
    const { runId } = await app.engine.startRun({ source: inlineSource(ids), options: { executor: "fn" } });
    return app.engine.waitForRun(runId);
  };

  beforeAll(async () => {
    store = await makeStore(kind);
    const fn = new InProcessExecutor((req) => (ran.push(req.taskId), "ok"));
    app = await createApp({
      ...store.config,
      executors: { fn: () => fn },
      recover: false,
      logger: silentLogger,
      memo: { ttlMs: 7 * DAY, maxEntries: 3 },
    });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await store?.dispose();
  });

  it("an entry older than the time to live is no hit; a fresh one is", async () => {
    expect((await run(["old", "fresh"])).memoized).toBe(0);
    expect(ran.sort()).toEqual(["fresh", "old"]);
    await age(["old"], 8);
    await age(["fresh"], 6);
    ran.length = 0;
    const again = await run(["old", "fresh"]);
    expect(again.memoized).toBe(1);
    expect(ran).toEqual(["old"]);
  });

  it("the background pruner removes expired entries, then the oldest beyond the most kept", async () => {
    await run(["a", "b", "c"]);
    await age(["a"], 30);
    await age(["old"], 2);
    await age(["fresh"], 1);
    // oldest first: a (expired), old, fresh, then b and c: a goes by its age, then old, the oldest beyond 3
    expect((await keys()).slice(0, 3)).toEqual(["a", "old", "fresh"]);
    expect(await keys()).toHaveLength(5);
    const expired: number[] = [];
    app.startPruning({ intervalMs: 50, observer: { passed: () => undefined, memoExpired: (e) => expired.push(e.expired, e.evicted) } });
    await eventually(async () => (await keys()).length === 3);
    expect((await keys()).sort()).toEqual(["b", "c", "fresh"]);
    expect(expired.slice(0, 2)).toEqual([1, 1]);
  });
});
