// Pruning by itself in servers: two apps on one PostgreSQL database (two replicas)
// both run the background pruner; the chore lease lets one of them do every pass,
// and the policy's runs are deleted once. On the embedded store (one process) the
// single pruner does it. Metrics come from the observer the server registers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { createApp, type App } from "../../src/app.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { silentLogger } from "../../src/engine/ports.js";
import type { PruneReport } from "../../src/engine/prune-runs.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { pruneMetrics } from "../../src/observability/retention-metrics.js";
import { makeStore, storeKinds, type TestStore } from "../support/databases.js";
import { eventually, sleep } from "../support/engine.js";

const kinds = await storeKinds();

describe.each(kinds)("background pruning on %s", (kind) => {
  let store: TestStore;
  const apps: App[] = [];
  const passes: PruneReport[][] = [];
  const registries: Registry[] = [];
  const old: string[] = [];
  let recent: string;

  beforeAll(async () => {
    store = await makeStore(kind);
    const fn = new InProcessExecutor(() => "ok");
    const replicas = kind === "postgres" ? 2 : 1;
    for (let i = 0; i < replicas; i++) {
      apps.push(
        await createApp({
          ...store.config,
          executors: { fn: () => fn },
          recover: false,
          logger: silentLogger,
          retention: { maxAgeMs: 86_400_000 },
        }),
      );
    }
    const a = apps[0]!;
    for (let i = 0; i < 6; i++) {
      const { runId } = await a.engine.startRun({ source: inlineSource(["a", "b"]), options: { executor: "fn", force: true } });
      await a.engine.waitForRun(runId);
      if (i < 5) old.push(runId);
      else recent = runId;
    }
    await a.db.sql.query(`UPDATE runs SET finished_at = now() - interval '2 days' WHERE id = ANY($1::text[])`, [old]);
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.stop();
    await store?.dispose();
  });

  it("deletes the policy's runs once, by one replica at a time, in passes of a bounded size", async () => {
    apps.forEach((app, i) => {
      passes[i] = [];
      const registry = new Registry();
      registries[i] = registry;
      const metrics = pruneMetrics(registry);
      app.startPruning({
        intervalMs: 50,
        runsPerPass: 2,
        observer: { passed: (report, ms) => (passes[i]!.push(report), metrics.passed(report, ms)) },
      });
    });
    const deletedSoFar = () => passes.flatMap((p) => p.flatMap((r) => r.deleted));
    await eventually(() => deletedSoFar().length >= old.length);
    await sleep(500); // more passes: still one replica, deleting nothing more
    const deleted = deletedSoFar();
    expect(deleted.sort()).toEqual([...old].sort());
    const active = passes.filter((p) => p.length > 0);
    expect(active).toHaveLength(1);
    // at most runsPerPass each pass: five runs took three passes
    expect(Math.max(...active[0]!.map((r) => r.deleted.length))).toBe(2);
    expect((await apps[0]!.engine.store.listRuns()).map((r) => r.id)).toEqual([recent]);
    const holder = passes.findIndex((p) => p.length > 0);
    const text = await registries[holder]!.metrics();
    expect(text).toMatch(/^conveyor_runs_pruned_total 5$/m);
    expect(text).toMatch(/^conveyor_prune_last_duration_seconds \d/m);
    if (registries.length > 1) expect(await registries[1 - holder]!.metrics()).toMatch(/^conveyor_prune_passes_total 0$/m);
  });
});
