// The node mapper over Workflow status objects written for these tests
// (test/fixtures/argo/) in the shapes Argo's controller produces: Retry nodes
// and their Pod attempts, Omitted dependents, nested DAGs, Steps, memoized
// nodes, pod names. The same checks on Argo's own objects are in test-corpus/.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { mapTasks, OffloadedNodesError, outcomeOf, readNodes } from "../../src/executors/argo/node-mapper.js";
import { podNameOf } from "../../src/executors/argo/pod-logs.js";
import type { ArgoWorkflow } from "../../src/executors/argo/types.js";

const load = (name: string): ArgoWorkflow => parse(readFileSync(new URL(`../fixtures/argo/${name}`, import.meta.url), "utf8"));
const summary = (wf: ArgoWorkflow, boundary?: string) =>
  Object.fromEntries(
    [...mapTasks(wf, boundary)].map(([k, v]) => [k, [v.phase, v.final, v.attempts.map((a) => `${a.retry}:${a.phase}:${a.exitCode}`)]]),
  );

describe("node mapper on Argo status objects", () => {
  it("Retry parent with Pod children: each child is an attempt, the parent is the verdict", () => {
    const wf = load("status-dag-retry-succeeded.yaml");
    expect(summary(wf, wf.metadata.name)).toEqual({ compile: ["Succeeded", true, ["0:Failed:1", "1:Failed:1", "2:Succeeded:null"]] });
    const view = mapTasks(wf).get("compile")!;
    expect(outcomeOf(view.attempts[0]!)).toMatchObject({ ok: false, exitCode: 1, error: "argo failed: failed with exit code 1" });
    expect(outcomeOf(view.attempts[2]!)).toMatchObject({ ok: true, exitCode: 0 });
    expect(view.attempts[0]!.startedAt).toBe(Date.parse("2025-03-04T05:06:00Z"));
    // the attempt is timed by the Pod node, not by when Conveyor heard of it
    expect(outcomeOf(view.attempts[1]!)).toMatchObject({
      startedAt: Date.parse("2025-03-04T05:06:15Z"),
      finishedAt: Date.parse("2025-03-04T05:06:27Z"),
    });
  });

  it("names each attempt's pod as Argo does (the archived logs' keys hold the pod names, computed apart from the code under test)", () => {
    const wf = load("status-dag-diamond-succeeded.yaml");
    const pods = Object.values(wf.status!.nodes!).filter((n) => n.type === "Pod");
    expect(pods.length).toBe(4);
    for (const n of pods) {
      const key = (n.outputs as { artifacts?: { name: string; s3: { key: string } }[] }).artifacts!.find((a) => a.name === "main-logs")!.s3
        .key;
      expect(podNameOf(wf, n)).toBe(key.split("/")[1]);
      expect(mapTasks(wf).get(n.displayName!)!.attempts[0]!.podName).toBe(key.split("/")[1]);
    }
    // pod-name-format v1: the node id; a templateRef names the template
    const v1 = { ...wf, metadata: { ...wf.metadata, annotations: { "workflows.argoproj.io/pod-name-format": "v1" } } };
    expect(podNameOf(v1, pods[0]!)).toBe(pods[0]!.id);
    const ref = { ...pods[0]!, templateName: undefined, templateRef: { name: "multi-task-processor", template: "run-task" } };
    expect(podNameOf(wf, ref)).toBe(podNameOf(wf, pods[0]!).replace("-shout-", "-run-task-"));
  });

  it("failFast disabled: exhausted retries fail, siblings go on; plain Pods are one attempt", () => {
    const wf = load("status-dag-failfast-off-failed.yaml");
    expect(summary(wf)).toEqual({
      A: ["Succeeded", true, ["0:Succeeded:null"]],
      B: ["Succeeded", true, ["0:Succeeded:null"]],
      C: ["Failed", true, ["0:Failed:2", "1:Failed:2"]],
      D: ["Succeeded", true, ["0:Succeeded:null"]],
      E: ["Succeeded", true, ["0:Succeeded:null"]],
    });
    expect(mapTasks(wf).get("C")!.message).toBe("No more retries left");
  });

  it("nested DAG: Omitted dependents have no attempts; outputs.exitCode is read", () => {
    const wf = load("status-dag-nested-omitted.yaml");
    expect(summary(wf)).toEqual({
      prepare: ["Succeeded", true, ["0:Succeeded:0"]],
      flaky: ["Failed", true, ["0:Failed:1", "1:Failed:1"]],
      publish: ["Omitted", true, []],
    });
    expect(mapTasks(wf).get("publish")!.message).toBe("omitted: depends condition not met");
    // only the entry DAG's own tasks when a boundary is given
    expect(Object.keys(summary(wf, "nested-retry"))).toEqual(expect.arrayContaining(["prepare", "publish"]));
    expect(Object.keys(summary(wf, "nested-retry"))).not.toContain("flaky");
  });

  it("a Retry node still Running while its finished attempts all failed is not final", () => {
    const wf = load("status-steps-retry-running.yaml");
    const s = summary(wf);
    expect(s["slow-lint"]).toEqual(["Running", false, ["0:Failed:1", "1:Failed:1"]]);
    expect(s.lint).toEqual(["Failed", true, ["0:Failed:1", "1:Failed:1"]]);
    // no StepGroup among the tasks; a finishedAt before its startedAt is read as written
    expect(Object.keys(s).sort()).toEqual(["lint", "slow-lint"]);
    const first = mapTasks(wf).get("lint")!.attempts[0]!;
    expect(first.finishedAt! < first.startedAt!).toBe(true);
  });

  it("succeeded diamond: exit codes, times, and memoized nodes", () => {
    const wf = load("status-dag-diamond-succeeded.yaml");
    expect(summary(wf, wf.metadata.name)).toEqual({
      A: ["Succeeded", true, ["0:Succeeded:0"]],
      B: ["Succeeded", true, ["0:Succeeded:0"]],
      C: ["Succeeded", true, ["0:Succeeded:0"]],
      D: ["Succeeded", true, ["0:Succeeded:0"]],
    });
    expect(mapTasks(wf).get("D")!.attempts[0]).toMatchObject({
      startedAt: Date.parse("2025-05-06T07:08:20Z"),
      finishedAt: Date.parse("2025-05-06T07:08:29Z"),
    });
    const memo = mapTasks(load("status-memoized-node.yaml")).get("lookup")!;
    expect(memo.attempts[0]).toMatchObject({ phase: "Succeeded", memoized: false });
    expect(memo.attempts[0]).not.toHaveProperty("podName"); // an HTTP node has no pod
  });

  it("reads status.compressedNodes and refuses offloaded node status clearly", () => {
    const wf = load("status-dag-failfast-off-failed.yaml");
    const nodes = wf.status!.nodes!;
    const compressed: ArgoWorkflow = {
      ...wf,
      status: { ...wf.status, nodes: {}, compressedNodes: gzipSync(JSON.stringify(nodes)).toString("base64") },
    };
    expect(readNodes(compressed)).toEqual(nodes);
    expect(summary(compressed)).toEqual(summary(wf));
    const offloaded: ArgoWorkflow = { ...wf, status: { phase: "Running", offloadNodeStatusVersion: "fnv:123" } };
    expect(() => mapTasks(offloaded)).toThrow(OffloadedNodesError);
    expect(() => mapTasks(offloaded)).toThrow(/offloadNodeStatusVersion fnv:123/);
  });

  it("takes the task protocol's result from outputs.result and flags deadlines as timeouts", () => {
    const ok = outcomeOf({
      nodeId: "n",
      retry: 0,
      phase: "Succeeded",
      exitCode: 0,
      result: 'hello\n::conveyor result {"n": 3}\n',
      memoized: false,
    });
    expect(ok).toMatchObject({ ok: true, result: { n: 3 } });
    const late = outcomeOf({
      nodeId: "n",
      retry: 0,
      phase: "Failed",
      exitCode: null,
      message: "Pod was active on the node longer than the specified deadline",
      memoized: false,
    });
    expect(late).toMatchObject({ ok: false, timedOut: true });
  });

  it("a failure's error names the node's message and the exit code, once", () => {
    const base = { nodeId: "n", retry: 0, phase: "Failed", memoized: false } as const;
    expect(outcomeOf({ ...base, exitCode: 137, message: "OOMKilled" }).error).toBe("argo failed: OOMKilled (exit code 137)");
    expect(outcomeOf({ ...base, exitCode: 1, message: "Error (exit code 1)" }).error).toBe("argo failed: Error (exit code 1)");
    expect(outcomeOf({ ...base, phase: "Error", exitCode: null, message: "pod deleted" }).error).toBe("argo error: pod deleted");
    // times only when Argo has both: half from each clock would skew the duration
    expect(outcomeOf({ ...base, exitCode: 1, startedAt: 1_000 })).not.toHaveProperty("startedAt");
  });
});
