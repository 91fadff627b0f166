// The live log on the argo executor: while an Argo task's pod runs, its
// container log is followed through the Kubernetes API double (pods/log,
// follow=true, chunked, ended when the container exits) and its lines reach a
// watcher of the engine's task logs in order, before the task ends; a stream
// cut mid-way resumes from where it was, with no line lost or repeated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { busNotice, type TaskLogNotice, type WireLine } from "../../src/engine/bus-notices.js";
import { topics } from "../../src/engine/topics.js";
import { PodLogFollower } from "../../src/executors/argo/pod-log-follower.js";
import { KubePodLogs } from "../../src/executors/argo/k8s-client.js";
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
    const f = new PodLogFollower(new KubePodLogs(w.k8s.kubeConfig(), "argo"), pod, (l) => got.push(...l), { retryDelayMs: 10, onError: (e) => errors.push(e) });
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
