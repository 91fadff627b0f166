// The watcher against the Kubernetes API double, through client-node: every
// change is seen after drops, 503s and both forms of 410 Gone.
import { beforeAll, describe, expect, it } from "vitest";
import { KubeWorkflowApi } from "../../src/executors/argo/k8s-client.js";
import { loadSettings } from "../../src/config.js";
import { argoExecutorFromEnv } from "../../src/executors/argo/from-env.js";
import type { ArgoWorkflow } from "../../src/executors/argo/types.js";
import { WorkflowWatcher } from "../../src/executors/argo/watcher.js";
import { eventually, sleep } from "../support/engine.js";
import { suiteKubeApiDouble } from "./k8s-api-double.js";

describe("WorkflowWatcher", () => {
  const k8s = suiteKubeApiDouble();
  let api: KubeWorkflowApi;
  beforeAll(() => {
    api = new KubeWorkflowApi(k8s.kubeConfig(), "argo");
  });

  const label = () => ({ "conveyor.dev/run-id": `r-${Math.random().toString(36).slice(2, 8)}` });
  const step = (name: string, n: number) => k8s.update(name, (wf) => (wf.status = { phase: "Running", message: `step ${n}` }));

  it.each(["event", "http"] as const)("follows one object through a drop, a refused re-watch and 410 Gone (as %s)", async (goneAs) => {
    k8s.goneAs = goneAs;
    const labels = label();
    const created = await api.create({ metadata: { generateName: "w-", labels }, spec: {} });
    const name = created.metadata.name!;
    step(name, 1);
    const seen: string[] = [];
    const other = await api.create({ metadata: { generateName: "o-", labels: label() }, spec: {} });
    const watcher = new WorkflowWatcher(
      api,
      `conveyor.dev/run-id=${labels["conveyor.dev/run-id"]}`,
      (wf: ArgoWorkflow) => seen.push(wf.status?.message ?? "new"),
      { retryDelayMs: 10 },
    );
    await watcher.start();
    expect(seen).toEqual(["step 1"]); // from the list
    step(name, 2);
    await eventually(() => seen.includes("step 2"));
    k8s.dropWatches();
    step(name, 3); // while no stream is open: replayed from the last version seen
    await eventually(() => seen.includes("step 3"));
    expect(watcher.stats.lists).toBe(1);
    k8s.refuseWatches = true;
    k8s.dropWatches();
    step(name, 4);
    k8s.compact();
    await sleep(30); // a few refused attempts
    k8s.refuseWatches = false;
    await eventually(() => seen.includes("step 4"));
    expect(watcher.stats.lists).toBe(2); // the missed change came back with a new list
    step(name, 5);
    await eventually(() => seen.includes("step 5"));
    expect(k8s.all().find((w) => w.metadata.name === other.metadata.name)).toBeDefined();
    expect(seen).not.toContain("new"); // the other run's object never shows
    watcher.stop();
  });
});

describe("argoExecutorFromEnv", () => {
  it("is off without CONVEYOR_ARGO_NAMESPACE and an executor named argo with it", async () => {
    const store = {} as never;
    expect(await argoExecutorFromEnv(store, console as never, loadSettings({}))).toBeUndefined();
    const executor = await argoExecutorFromEnv(store, console as never, loadSettings({ CONVEYOR_ARGO_NAMESPACE: "conveyor" }));
    expect(executor?.name).toBe("argo");
    await executor?.close();
  });
});
