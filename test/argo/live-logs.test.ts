// The live log on the argo executor: while an Argo task's pod runs, its
// container log is followed through the Kubernetes API double (pods/log,
// follow=true, chunked, ended when the container exits) and its lines reach a
// watcher of the engine's task logs in order, before the task ends; a stream
// cut mid-way resumes from where it was, with no line lost or repeated.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskLogStream, type LogItem } from "../../src/api/live/task-log-stream.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { busNotice, type TaskLogNotice, type WireLine } from "../../src/engine/bus-notices.js";
import type { EventBus } from "../../src/engine/ports.js";
import type { RunStore } from "../../src/engine/store.js";
import { topics } from "../../src/engine/topics.js";
import { PodLogFollower } from "../../src/executors/argo/pod-log-follower.js";
import { KubePodLogs } from "../../src/executors/argo/k8s-client.js";
import { RedisBus } from "../../src/pubsub/redis-bus.js";
import { REDIS_URL, redisReachable } from "../support/redis.js";
import { openArgoWorld, type ArgoWorld } from "./argo-engine.js";

/** The first defined value of `f`, polled. */
async function until<T>(f: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("argo live task logs", () => {
  let w: ArgoWorld;
  beforeAll(async () => {
    w = await openArgoWorld();
  });
  afterAll(async () => w?.close());

  /** Watches an attempt's log on the engine's bus, as the taskLogs subscription does. */
  function watch(runId: string, taskId: string) {
    const lines: WireLine[] = [];
    const events: TaskLogNotice[] = [];
    const off = w.engine.bus.subscribe(topics.taskLog(runId, taskId, 1), (es) => {
      for (const e of es) {
        events.push(e);
        if (e.type === "log.lines") lines.push(...e.data.lines);
      }
    });
    w.engine.bus.publish(topics.logWatch, [busNotice("log.watch", { runId, taskId, attempt: 1 })]);
    return { lines, events, off, texts: () => lines.map((l) => l[2]) };
  }

  it("a running task's lines reach a watcher live, in order, as stdout; a cut stream resumes without loss or repeats", async () => {
    const task = "printer";
    const before = new Set(w.k8s.podNames());
    w.controller.held.add(task);
    w.controller.behaviour = () => ({ exitCode: 0, stdout: "done\n" });
    const { runId } = await w.engine.startRun({ source: inlineSource([task]), options: { executor: "argo", command: "./print" } });
    const seen = watch(runId, task);
    const pod = await until(() => w.k8s.podNames().find((p) => !before.has(p)));
    await until(() => w.k8s.podLogFollowers === 1);
    for (let i = 1; i <= 5; i++) {
      w.k8s.writePodLog(pod, "main", `line ${i}\n`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await until(() => seen.lines.length >= 5);
    expect((await w.engine.store.getRun(runId))!.status).toBe("running");
    expect(seen.texts()).toEqual(["line 1", "line 2", "line 3", "line 4", "line 5"]);
    expect(new Set(seen.lines.map((l) => l[1]))).toEqual(new Set([0])); // stdout: Kubernetes merges the streams

    // the connection drops; lines written meanwhile come once the follower asks again from sinceTime
    w.k8s.dropPodLogs();
    for (let i = 6; i <= 8; i++) w.k8s.writePodLog(pod, "main", `line ${i}\n`);
    await until(() => seen.lines.length >= 8);
    w.k8s.writePodLog(pod, "main", "line 9\n");
    await until(() => seen.lines.length >= 9);
    const asked = w.k8s.requests.filter((r) => r.startsWith(`GET pods/${pod}/log?`)).map((r) => new URLSearchParams(r.split("?")[1]));
    expect(asked.some((q) => q.get("sinceTime") !== null)).toBe(true);
    expect(asked.every((q) => q.get("follow") === "true" && q.get("timestamps") === "true" && q.get("container") === "main")).toBe(true);

    w.controller.held.delete(task);
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    await until(() => seen.events.some((e) => e.type === "log.end"));
    seen.off();
    expect(seen.texts()).toEqual([...Array.from({ length: 9 }, (_, i) => `line ${i + 1}`), "done"]);
    expect(seen.lines.map((l) => l[0])).toEqual(seen.lines.map((_, i) => i + 1));
    expect(w.k8s.podLogFollowers).toBe(0);
  });

  it("a pod not up yet is asked again until its container runs; its last line counts without a newline", async () => {
    const pod = "p-later";
    w.k8s.createPod(pod, ["wait", "main"]);
    const got: string[] = [];
    const errors: unknown[] = [];
    const f = new PodLogFollower(new KubePodLogs(w.k8s.kubeConfig(), "argo"), pod, (l) => got.push(...l), {
      retryDelayMs: 10,
      onError: (e) => errors.push(e),
    });
    await until(() => errors.length >= 1);
    expect(String(errors[0])).toMatch(/400.*waiting to start/);
    w.k8s.startContainer(pod, "main");
    w.k8s.writePodLog(pod, "main", "up\n");
    await until(() => got.length >= 1);
    expect(got).toEqual(["up"]);
    // the container exits after a last line without a newline: the stream ends, and that line still counts
    w.k8s.writePodLog(pod, "main", "last words");
    w.k8s.endContainer(pod, "main");
    await new Promise((r) => setTimeout(r, 50));
    await f.stop(1_000);
    expect(got).toEqual(["up", "last words"]);
    expect(w.k8s.podLogFollowers).toBe(0);
  });
});

/** A taskLogs subscriber (the API's own stream) on `bus`, its items collected as they come. */
function subscriber(bus: EventBus, store: RunStore, runId: string, taskId: string) {
  const stream = new TaskLogStream({ bus, store }, { runId, taskId, index: 0, attempt: 1 });
  const items: LogItem[] = [];
  const done = (async () => {
    for await (const item of stream) items.push(item);
  })();
  return { items, done, leave: () => stream.return(), texts: () => items.map((i) => i.text ?? `dropped ${i.dropped}`) };
}

/** The Kubernetes API's pods/log requests for `pod`, as query parameters. */
const logRequests = (w: ArgoWorld, pod: string) =>
  w.k8s.requests.filter((r) => r.startsWith(`GET pods/${pod}/log?`)).map((r) => new URLSearchParams(r.split("?")[1]));

/** Starts a one-task run held running, and returns its pod once its container runs. */
async function heldRun(w: ArgoWorld, task: string) {
  const before = new Set(w.k8s.podNames());
  w.controller.held.add(task);
  w.controller.behaviour = () => ({ exitCode: 0, stdout: "" });
  const { runId } = await w.engine.startRun({ source: inlineSource([task]), options: { executor: "argo", command: "./print" } });
  const pod = await until(() => w.k8s.podNames().find((p) => !before.has(p)));
  return { runId, pod };
}

describe("argo live task logs follow a pod only while someone watches", () => {
  const GRACE = 400;
  let w: ArgoWorld;
  beforeAll(async () => {
    w = await openArgoWorld({ taskLogs: { watchGraceMs: GRACE, flushMs: 5 } });
  });
  afterAll(async () => w?.close());

  it("no stream without a watcher; one from the first watcher; closed a grace after the last leaves; resumed without repeats", async () => {
    const task = "quiet";
    const { runId, pod } = await heldRun(w, task);
    w.k8s.writePodLog(pod, "main", "early 1\nearly 2\n");
    await new Promise((r) => setTimeout(r, 300)); // the executor has seen the pod running many times over
    expect(w.k8s.podLogFollowers).toBe(0);
    expect(logRequests(w, pod)).toEqual([]);

    const first = subscriber(w.engine.bus, w.engine.store, runId, task);
    await until(() => w.k8s.podLogFollowers === 1);
    // the backlog (tailLines) of what it printed before, then live lines
    expect(logRequests(w, pod)[0]!.get("tailLines")).not.toBeNull();
    w.k8s.writePodLog(pod, "main", "live 3\n");
    await until(() => first.items.length >= 3);
    expect(first.texts()).toEqual(["early 1", "early 2", "live 3"]);

    const second = subscriber(w.engine.bus, w.engine.store, runId, task);
    await until(() => second.items.length >= 3);
    await first.leave();
    await new Promise((r) => setTimeout(r, GRACE / 2));
    expect(w.k8s.podLogFollowers).toBe(1); // one watcher is still there
    const left = Date.now();
    await second.leave();
    await new Promise((r) => setTimeout(r, GRACE / 2));
    expect(w.k8s.podLogFollowers).toBe(1); // the grace period
    await until(() => w.k8s.podLogFollowers === 0);
    expect(Date.now() - left).toBeGreaterThanOrEqual(GRACE - 50);
    const asked = logRequests(w, pod).length;

    // printed while nobody watched: a new watcher gets the lines so far and those, each once, in order
    w.k8s.writePodLog(pod, "main", "gap 4\ngap 5\n");
    await new Promise((r) => setTimeout(r, 200));
    expect(logRequests(w, pod).length).toBe(asked);
    const third = subscriber(w.engine.bus, w.engine.store, runId, task);
    await until(() => w.k8s.podLogFollowers === 1);
    const resumed = logRequests(w, pod).at(-1)!;
    expect(resumed.get("sinceTime")).not.toBeNull();
    expect(resumed.get("tailLines")).not.toBeNull();
    w.k8s.writePodLog(pod, "main", "after 6\n");
    await until(() => third.items.length >= 6);
    w.controller.held.delete(task);
    expect((await w.engine.waitForRun(runId)).status).toBe("succeeded");
    await third.done;
    expect(third.texts()).toEqual(["early 1", "early 2", "live 3", "gap 4", "gap 5", "after 6"]);
    expect(third.items.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(w.k8s.podLogFollowers).toBe(0);
  });

  it("a task nobody watched ends with its stored tail as before, no pod log followed", async () => {
    const task = "unseen";
    const { runId, pod } = await heldRun(w, task);
    w.controller.behaviour = () => ({ exitCode: 3, stdout: "why it failed\n" });
    w.controller.held.delete(task);
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("failed");
    expect(logRequests(w, pod).every((q) => q.get("follow") !== "true")).toBe(true);
    const [attempt] = await w.engine.store.listAttempts(runId, 0);
    expect(attempt!.stdoutTail ?? attempt!.stderrTail).toContain("why it failed");
  });
});

describe.skipIf(!(await redisReachable("argo replica log")))("argo live task logs: a watcher on another replica", () => {
  const prefix = `conveyor-test-${randomUUID().slice(0, 8)}:`;
  const buses: RedisBus[] = [];
  const bus = () => {
    const b = new RedisBus(REDIS_URL, { prefix });
    buses.push(b);
    return b;
  };
  let w: ArgoWorld;
  beforeAll(async () => {
    w = await openArgoWorld({ bus, taskLogs: { watchGraceMs: 300, flushMs: 5 } });
  });
  afterAll(async () => {
    await w?.close();
    await Promise.all(buses.map((b) => b.close()));
  });

  it("its interest reaches the replica driving the run over Redis: the pod's log is followed while it watches", async () => {
    const task = "far";
    const { runId, pod } = await heldRun(w, task);
    w.k8s.writePodLog(pod, "main", "one\n");
    await new Promise((r) => setTimeout(r, 300));
    expect(w.k8s.podLogFollowers).toBe(0);
    // replica B: its own bus (Redis connection), the same database
    const far = subscriber(bus(), w.engine.store, runId, task);
    await until(() => w.k8s.podLogFollowers === 1);
    w.k8s.writePodLog(pod, "main", "two\n");
    await until(() => far.items.length >= 2);
    expect(far.texts()).toEqual(["one", "two"]);
    await far.leave();
    await until(() => w.k8s.podLogFollowers === 0);
    w.controller.held.delete(task);
    expect((await w.engine.waitForRun(runId)).status).toBe("succeeded");
  });
});
