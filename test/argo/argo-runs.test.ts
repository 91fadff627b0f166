// Runs through the real engine on the argo executor, against the Kubernetes API
// double and the simulated Argo controller: every transition is recorded by the
// same supervisor as for local runs. Large runs are split into successive Workflows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import type { RunEvent } from "../../src/engine/ports.js";
import { eventually, recordEvents } from "../support/engine.js";
import { workflowBytes } from "../../src/executors/argo/workflow-builder.js";
import { openArgoWorld, type ArgoWorld } from "./argo-engine.js";
import { workflowShapeErrors } from "./workflow-shape.js";
import { taskDefs } from "./fixtures.js";

let counter = 0;
const ids = (n: number) => {
  const p = `a${++counter}-${Math.random().toString(36).slice(2, 6)}`;
  return Array.from({ length: n }, (_, i) => `${p}-${i + 1}`);
};
const fast = { baseDelayMs: 1, maxDelayMs: 5 };
/** Small enough that a 1,000-task run needs several Workflows. */
const limits = { maxTasks: 300, maxBytes: 256 * 1024 };
const typesOf = (events: readonly RunEvent[]) =>
  events
    .filter((e) => e.type !== "run.checkpoint")
    .map((e) => `${e.type}${e.taskId ? ` ${e.taskId}` : ""}`)
    .sort();
const workflowsOf = (w: ArgoWorld, runId: string) => w.k8s.all().filter((wf) => wf.metadata.labels?.["conveyor.dev/run-id"] === runId);

describe("argo executor end to end", () => {
  let w: ArgoWorld;
  beforeAll(async () => {
    w = await openArgoWorld({ limits });
  });
  afterAll(async () => w?.close());

  it("runs a DAG to success; subscribers see the same events as for an in-process run", async () => {
    const [a, b, c, d] = ids(4) as [string, string, string, string];
    const graph = [{ id: a }, { id: b, dependencies: [a] }, { id: c, dependencies: [a] }, { id: d, dependencies: [b, c] }];
    w.controller.behaviour = (id) => ({ exitCode: 0, stdout: `working on ${id}\n::conveyor result {"task": "${id}"}\n` });
    const { runId } = await w.engine.startRun({
      source: inlineSource(graph),
      options: { executor: "argo", maxParallel: 2, command: "./do {id}" },
    });
    const seen = recordEvents(w.engine, runId);
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.succeeded).toBe(4);
    const units = await w.engine.store.loadUnits(runId);
    expect(units.map((u) => u.state.result)).toEqual([a, b, c, d].map((task) => ({ task })));
    const stored = await w.engine.store.readEvents(runId, 0, 1000);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(seen.map((e) => e.seq)).toEqual(stored.slice(stored.length - seen.length).map((e) => e.seq));
    // the same graph in-process: the same kinds of events for the same tasks
    const local = await w.engine.startRun({
      source: inlineSource(graph),
      options: { executor: "fn", maxParallel: 2, command: "./do {id}", force: true },
    });
    await w.engine.waitForRun(local.runId);
    const localEvents = await w.engine.store.readEvents(local.runId, 0, 1000);
    expect(typesOf(stored)).toEqual(typesOf(localEvents));
    const [wf] = workflowsOf(w, runId);
    expect(wf!.spec.parallelism).toBe(2);
    expect(wf!.status!.phase).toBe("Succeeded");
    expect(w.controller.pods.filter((p) => p.startsWith(wf!.metadata.name!))).toHaveLength(4);
  });

  it("Argo's retries become Conveyor attempts, numbered alike", async () => {
    const [x] = ids(1) as [string];
    w.controller.behaviour = (id, retry) => (id === x && retry < 2 ? { exitCode: 3 } : { exitCode: 0, stdout: "ok\n" });
    const { runId } = await w.engine.startRun({
      source: inlineSource([x]),
      options: { executor: "argo", retry: { ...fast, retryLimit: 2 } },
    });
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    const attempts = await w.engine.store.listAttempts(runId);
    expect(attempts.map((a) => [a.number, a.status, a.exitCode, a.error])).toEqual([
      [1, "failed", 3, "argo failed: failed with exit code 3"],
      [2, "failed", 3, "argo failed: failed with exit code 3"],
      [3, "succeeded", 0, null],
    ]);
    const events = await w.engine.store.readEvents(runId, 0, 100);
    expect(events.filter((e) => e.type === "task.retrying")).toHaveLength(2);
    const [wf] = workflowsOf(w, runId);
    expect(w.controller.pods.filter((p) => p.startsWith(`${wf!.metadata.name}/`))).toEqual(
      [0, 1, 2].map((k) => `${wf!.metadata.name}/${x}(${k})`),
    );
  });

  it("attempts are timed by Argo's clock; a failed one carries the node's message, exit code and its pod's log tail", async () => {
    const [x] = ids(1) as [string];
    w.controller.clockOffsetMs = -3_600_000; // the cluster's clock an hour behind Conveyor's
    w.controller.behaviour = (id, retry) =>
      retry === 0 ? { exitCode: 7, stdout: "step 1 of 2\n", stderr: "boom: disk full\n" } : { exitCode: 0, stdout: "ok\n" };
    try {
      const { runId } = await w.engine.startRun({
        source: inlineSource([x]),
        options: { executor: "argo", retry: { ...fast, retryLimit: 1 } },
      });
      expect((await w.engine.waitForRun(runId)).status).toBe("succeeded");
      const attempts = await w.engine.store.listAttempts(runId);
      const wf = workflowsOf(w, runId)[0]!;
      const pods = Object.values(wf.status!.nodes!)
        .filter((n) => n.type === "Pod")
        .sort((a, b) => a.displayName!.localeCompare(b.displayName!));
      expect(attempts.map((a) => [a.startedAt, a.finishedAt])).toEqual(
        pods.map((p) => [Date.parse(p.startedAt!), Date.parse(p.finishedAt!)]),
      );
      expect(attempts[0]!.startedAt).toBeLessThan(Date.now() - 3_000_000);
      expect(attempts[0]).toMatchObject({
        status: "failed",
        exitCode: 7,
        error: "argo failed: failed with exit code 7",
        stdoutTail: "step 1 of 2\n",
        stderrTail: "step 1 of 2\nboom: disk full\n",
      });
      // read as Argo names the pod, from the main container, bounded
      const pod = `${wf.metadata.name}-run-task-${pods[0]!.id.slice(wf.metadata.name!.length + 1)}`;
      // (the tail read, not the live log's follow=true stream)
      const asked = w.k8s.requests.find((r) => r.startsWith(`GET pods/${pod}/log?`) && !r.includes("follow=true"))!;
      expect(Object.fromEntries(new URLSearchParams(asked.slice(asked.indexOf("?") + 1)))).toEqual({
        container: "main",
        tailLines: "200",
        limitBytes: String(256 * 1024),
      });
      // a success is not read back from the log
      expect(attempts[1]).toMatchObject({ status: "succeeded", stdoutTail: "ok\n", stderrTail: null });
    } finally {
      w.controller.clockOffsetMs = 0;
    }
  });

  it.each([
    ["the pod is gone (podGC)", () => (w.controller.podGC = true), () => (w.controller.podGC = false)],
    ["reading pods/log is forbidden", () => (w.k8s.forbidPodLogs = true), () => (w.k8s.forbidPodLogs = false)],
  ])("when %s, the failed attempt keeps the node's message and the run goes on", async (_, set, unset) => {
    const [x] = ids(1) as [string];
    w.controller.behaviour = (id, retry) => (retry === 0 ? { exitCode: 4, stderr: "lost\n" } : { exitCode: 0 });
    set();
    try {
      const { runId } = await w.engine.startRun({
        source: inlineSource([x]),
        options: { executor: "argo", retry: { ...fast, retryLimit: 1 } },
      });
      expect((await w.engine.waitForRun(runId)).status).toBe("succeeded");
      const [failed] = await w.engine.store.listAttempts(runId);
      expect(failed).toMatchObject({ status: "failed", exitCode: 4, error: "argo failed: failed with exit code 4", stderrTail: null });
      const wf = workflowsOf(w, runId)[0]!;
      expect(w.k8s.requests.some((r) => r.startsWith(`GET pods/${wf.metadata.name}-run-task-`))).toBe(true);
    } finally {
      unset();
    }
  });

  it("continue-on-error: the failed task's dependents are skipped (Omitted in Argo), the rest goes on", async () => {
    const [a, b, c] = ids(3) as [string, string, string];
    w.controller.behaviour = (id) => (id === a ? { exitCode: 1 } : { exitCode: 0 });
    const source = inlineSource([{ id: a }, { id: b, dependencies: [a] }, { id: c }]);
    const { runId } = await w.engine.startRun({
      source,
      options: { executor: "argo", continueOnError: true, retry: { ...fast, retryLimit: 1 } },
    });
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("completed_with_failures");
    expect([run.failed, run.skipped, run.succeeded]).toEqual([1, 1, 1]);
    const [wf] = workflowsOf(w, runId);
    await eventually(() => w.k8s.all().find((x) => x.metadata.name === wf!.metadata.name)!.status?.phase === "Succeeded");
    const nodes = Object.values(w.k8s.all().find((x) => x.metadata.name === wf!.metadata.name)!.status!.nodes!);
    expect(nodes.find((n) => n.displayName === "t-1")).toMatchObject({ type: "Skipped", phase: "Omitted" });
  });

  it("pause suspends the Workflow, resume lifts it; nothing is lost or repeated", async () => {
    const [a, b, c] = ids(3) as [string, string, string];
    w.controller.behaviour = () => ({ exitCode: 0 });
    w.controller.held.add(a);
    const source = inlineSource([{ id: a }, { id: b, dependencies: [a] }, { id: c, dependencies: [b] }]);
    const { runId } = await w.engine.startRun({ source, options: { executor: "argo" } });
    await eventually(() => w.controller.pods.some((p) => p.endsWith(`/${a}(0)`)));
    await w.engine.pauseRun(runId);
    await eventually(() => workflowsOf(w, runId)[0]?.spec.suspend === true);
    w.controller.held.delete(a);
    const paused = await w.engine.waitForRun(runId);
    expect(paused.status).toBe("paused");
    expect(paused.succeeded).toBe(1);
    // suspended: b is not started however long we look
    await new Promise((r) => setTimeout(r, 100));
    expect(w.controller.pods.some((p) => p.endsWith(`/${b}(0)`))).toBe(false);
    await w.engine.resumeRun(runId);
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(workflowsOf(w, runId)).toHaveLength(1);
    expect(workflowsOf(w, runId)[0]!.spec.suspend).toBeUndefined();
    const events = await w.engine.store.readEvents(runId, 0, 100);
    for (const id of [a, b, c]) expect(events.filter((e) => e.taskId === id && e.type === "task.succeeded")).toHaveLength(1);
  });

  it("a running task's self-reported progress (node progress N/M) becomes task.progress", async () => {
    const [a] = ids(1) as [string];
    w.controller.held.add(a);
    w.controller.progress.set(a, "1/4");
    const { runId } = await w.engine.startRun({ source: inlineSource([a]), options: { executor: "argo" } });
    const seen = recordEvents(w.engine, runId);
    await eventually(() => seen.some((e) => e.type === "task.progress"));
    expect(seen.find((e) => e.type === "task.progress")!.data).toMatchObject({ progress: 0.25 });
    w.controller.held.delete(a);
    expect((await w.engine.waitForRun(runId)).status).toBe("succeeded");
  });

  it("cancel stops the Workflow, then terminates it after the grace period", async () => {
    const [a, b] = ids(2) as [string, string];
    w.controller.held.add(a);
    try {
      const { runId } = await w.engine.startRun({
        source: inlineSource([{ id: a }, { id: b, dependencies: [a] }]),
        options: { executor: "argo", cancelGraceMs: 50 },
      });
      await eventually(() => w.controller.pods.some((p) => p.endsWith(`/${a}(0)`)));
      await w.engine.cancelRun(runId, "enough");
      const run = await w.engine.waitForRun(runId);
      expect(run.status).toBe("cancelled");
      expect(run.cancelled).toBe(2);
      await eventually(() => workflowsOf(w, runId)[0]?.spec.shutdown === "Terminate");
      await eventually(() => workflowsOf(w, runId)[0]?.status?.phase === "Failed");
    } finally {
      w.controller.held.delete(a); // a pod held forever would count against the next tests' parallelism
    }
  });

  it("survives the watch connection dropping midway, and 410 Gone (lists again and reconciles)", async () => {
    const list = ids(6);
    w.controller.held.add(list[2]!);
    const source = inlineSource(list.map((id, i) => ({ id, dependencies: i ? [list[i - 1]] : [] })));
    const { runId } = await w.engine.startRun({ source, options: { executor: "argo" } });
    await eventually(() => w.controller.pods.some((p) => p.endsWith(`/${list[2]}(0)`)));
    const stats = () => w.executor.trackerOf(runId)!.watchStats;
    const before = { ...stats() };
    w.k8s.dropWatches();
    await eventually(() => stats().watches > before.watches);
    expect(stats().lists).toBe(before.lists);
    // events that happen while nobody can watch are compacted away: the re-watch gets 410
    w.k8s.refuseWatches = true;
    w.k8s.dropWatches();
    w.controller.held.delete(list[2]!);
    await eventually(() => w.controller.pods.some((p) => p.endsWith(`/${list[3]}(0)`)));
    w.k8s.compact();
    w.k8s.refuseWatches = false;
    await eventually(() => stats().lists > before.lists);
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    const events = await w.engine.store.readEvents(runId, 0, 100);
    for (const id of list) expect(events.filter((e) => e.taskId === id && e.type === "task.succeeded")).toHaveLength(1);
  });

  it("reads compressed node status end to end", async () => {
    const list = ids(3);
    w.controller.compress = true;
    try {
      const { runId } = await w.engine.startRun({ source: inlineSource(list), options: { executor: "argo", maxParallel: 3 } });
      const run = await w.engine.waitForRun(runId);
      expect(run.status).toBe("succeeded");
      expect(workflowsOf(w, runId)[0]!.status!.compressedNodes).toBeTruthy();
    } finally {
      w.controller.compress = false;
    }
  });

  it("a Conveyor restart midway adopts the running Workflow: no transition lost or repeated, nothing run twice", async () => {
    const list = ids(5);
    const [a, b] = list as [string, string];
    w.controller.held.add(a).add(b);
    const source = inlineSource(list.map((id, i) => ({ id, dependencies: i >= 2 ? [a, b] : [] })));
    const { runId } = await w.engine.startRun({ source, options: { executor: "argo", maxParallel: 5 } });
    await eventually(() => w.controller.pods.filter((p) => p.includes(`/${a}(0)`) || p.includes(`/${b}(0)`)).length === 2);
    await w.restart();
    // Argo goes on while Conveyor is down
    w.controller.held.delete(a);
    await eventually(
      () =>
        workflowsOf(w, runId)[0]!.status!.nodes !== undefined &&
        Object.values(workflowsOf(w, runId)[0]!.status!.nodes!).some((n) => n.displayName === "t-0" && n.phase === "Succeeded"),
    );
    expect(await w.engine.recoverOrphans()).toContain(runId);
    w.controller.held.delete(b);
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(workflowsOf(w, runId)).toHaveLength(1);
    const wf = workflowsOf(w, runId)[0]!;
    expect(w.controller.pods.filter((p) => p.startsWith(`${wf.metadata.name}/`))).toHaveLength(5);
    const events = await w.engine.store.readEvents(runId, 0, 1000);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const id of list) expect(events.filter((e) => e.taskId === id && e.type === "task.succeeded")).toHaveLength(1);
    // the engine closes the attempts the stopped process was waiting for, as for any executor;
    // the Argo attempt that was running then is recorded once, as the next attempt
    const attempts = await w.engine.store.listAttempts(runId);
    expect(attempts.filter((x) => x.index < 2).map((x) => [x.index, x.number, x.status])).toEqual([
      [0, 1, "failed"],
      [0, 2, "succeeded"],
      [1, 1, "failed"],
      [1, 2, "succeeded"],
    ]);
    expect(attempts.filter((x) => x.index >= 2).map((x) => [x.number, x.status])).toEqual([
      [1, "succeeded"],
      [1, "succeeded"],
      [1, "succeeded"],
    ]);
  });

  it("resuming a failed run submits a new Workflow with only the tasks not yet succeeded", async () => {
    const [a, b, c] = ids(3) as [string, string, string];
    let broken = true;
    w.controller.behaviour = (id) => (id === b && broken ? { exitCode: 2 } : { exitCode: 0 });
    const source = inlineSource([{ id: a }, { id: b, dependencies: [a] }, { id: c, dependencies: [b] }]);
    const { runId } = await w.engine.startRun({ source, options: { executor: "argo", retry: { ...fast, retryLimit: 0 } } });
    expect((await w.engine.waitForRun(runId)).status).toBe("failed");
    await eventually(() => workflowsOf(w, runId)[0]?.status?.phase === "Failed");
    broken = false;
    await w.engine.resumeRun(runId);
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    const second = workflowsOf(w, runId).find((wf) => wf.metadata.labels!["conveyor.dev/part"] === "2")!;
    const tasks = (second.spec.templates as { dag: { tasks: { arguments: { parameters: { name: string; value: string }[] } }[] } }[])[0]!
      .dag.tasks;
    const param = (t: (typeof tasks)[number], name: string) => t.arguments.parameters.find((p) => p.name === name)!.value;
    expect(tasks.map((t) => [param(t, "task-id"), param(t, "attempt-base")])).toEqual([
      [b, "1"],
      [c, "0"],
    ]);
    const attempts = await w.engine.store.listAttempts(runId);
    expect(attempts.map((x) => [x.index, x.number, x.status])).toEqual([
      [0, 1, "succeeded"],
      [1, 1, "failed"],
      [1, 2, "succeeded"],
      [2, 1, "succeeded"],
    ]);
  });

  it("offloaded node status fails the run with a clear message", async () => {
    const [a] = ids(1) as [string];
    w.controller.offload = true;
    try {
      const { runId } = await w.engine.startRun({
        source: inlineSource([a]),
        options: { executor: "argo", retry: { ...fast, retryLimit: 0 } },
      });
      const run = await w.engine.waitForRun(runId);
      expect(run.status).toBe("failed");
      const [attempt] = await w.engine.store.listAttempts(runId);
      expect(attempt!.error).toMatch(/offloadNodeStatusVersion .* disable nodeStatusOffLoad/);
    } finally {
      w.controller.offload = false;
    }
  });

  it("a 1,000-task run goes as successive Workflows, each closed under its dependencies, every task once", async () => {
    const defs = taskDefs(1000, `s${Math.random().toString(36).slice(2, 6)}`);
    w.controller.running.length = 0;
    // pods of uneven length: a part's last tasks run on while the rest of it is done
    w.controller.ticks = (id) => 1 + (Number(id.slice(id.lastIndexOf("-") + 1)) % 17 === 0 ? 8 : 0);
    const { runId } = await w.engine.startRun({
      source: inlineSource(defs),
      options: { executor: "argo", maxParallel: 200, command: "./do {id}" },
    });
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.succeeded).toBe(1000);
    const wfs = w.k8s.all().filter((wf) => wf.metadata.labels?.["conveyor.dev/run-id"] === runId);
    expect(wfs.length).toBeGreaterThanOrEqual(4);
    const parts = wfs.map((wf) => Number(wf.metadata.labels!["conveyor.dev/part"])).sort((a, b) => a - b);
    expect(parts).toEqual(parts.map((_, i) => i + 1));
    let tasks = 0;
    for (const wf of wfs) {
      const dag = (wf.spec.templates as { dag: { tasks: unknown[] } }[])[0]!.dag;
      expect(dag.tasks.length).toBeLessThanOrEqual(limits.maxTasks);
      tasks += dag.tasks.length;
      const { status: _status, ...submitted } = wf;
      expect(workflowBytes(submitted)).toBeLessThanOrEqual(limits.maxBytes + 2048); // plus server metadata
      expect(workflowShapeErrors(submitted)).toEqual([]);
    }
    expect(tasks).toBe(1000);
    // every dependency runs in the same Workflow or an earlier one
    const partOf = new Map<string, number>();
    for (const wf of wfs) {
      const dag = (wf.spec.templates as { dag: { tasks: { arguments: { parameters: { name: string; value: string }[] } }[] } }[])[0]!.dag;
      for (const t of dag.tasks) partOf.set(t.arguments.parameters[0]!.value, Number(wf.metadata.labels!["conveyor.dev/part"]));
    }
    for (const d of defs)
      for (const dep of d.dependencies as string[]) expect(partOf.get(dep)!).toBeLessThanOrEqual(partOf.get(d.id as string)!);
    console.log(
      `1,000 tasks ran as ${wfs.length} Workflows of ${wfs.map((wf) => (wf.spec.templates as { dag: { tasks: unknown[] } }[])[0]!.dag.tasks.length).join(", ")} tasks`,
    );
    const busy = w.controller.running;
    console.log(`running pods per controller tick (maxParallel 200), ${busy.length} ticks: ${busy.join(" ")}`);
    expect(Math.max(...busy)).toBeLessThanOrEqual(200);
    w.controller.ticks = () => 1;
    const names = new Set(wfs.map((wf) => wf.metadata.name));
    const pods = w.controller.pods.filter((p) => names.has(p.slice(0, p.indexOf("/"))));
    expect(pods).toHaveLength(1000);
    const events = await w.engine.store.readEvents(runId, 0, 10_000);
    expect(events.filter((e) => e.type === "task.succeeded")).toHaveLength(1000);
    expect(events.filter((e) => e.type === "task.started")).toHaveLength(1000);
  });
});
