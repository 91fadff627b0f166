// The node mapper over the real Workflow objects (controller testdata and test
// excerpts from argoproj/argo-workflows, SOURCES.md beside them).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { join } from "node:path";
import { mapTasks, OffloadedNodesError, outcomeOf, readNodes } from "../src/executors/argo/node-mapper.js";
import { podNameOf } from "../src/executors/argo/pod-logs.js";
import type { ArgoWorkflow } from "../src/executors/argo/types.js";
import { ARGO_CORPUS, argoCorpusFound, describeCorpus } from "./shared.js";

const load = (name: string): ArgoWorkflow => parse(readFileSync(join(ARGO_CORPUS, name), "utf8"));
const summary = (wf: ArgoWorkflow, boundary?: string) =>
  Object.fromEntries(
    [...mapTasks(wf, boundary)].map(([k, v]) => [k, [v.phase, v.final, v.attempts.map((a) => `${a.retry}:${a.phase}:${a.exitCode}`)]]),
  );

describeCorpus(argoCorpusFound, "node mapper on real Argo status objects", () => {
  it("Retry parent with Pod children: each child is an attempt, the parent is the verdict", () => {
    const wf = load("status-dag-retry-node-succeeded.yaml");
    expect(summary(wf, wf.metadata.name)).toEqual({ step1: ["Succeeded", true, ["0:Failed:1", "1:Failed:1", "2:Succeeded:null"]] });
    const view = mapTasks(wf).get("step1")!;
    expect(outcomeOf(view.attempts[0]!)).toMatchObject({ ok: false, exitCode: 1, error: "argo failed: failed with exit code 1" });
    expect(outcomeOf(view.attempts[2]!)).toMatchObject({ ok: true, exitCode: 0 });
    expect(view.attempts[0]!.startedAt).toBe(Date.parse("2018-08-01T10:22:43Z"));
    // the attempt is timed by the Pod node, not by when Conveyor heard of it
    expect(outcomeOf(view.attempts[1]!)).toMatchObject({
      startedAt: Date.parse("2018-08-01T10:22:51Z"),
      finishedAt: Date.parse("2018-08-01T10:23:00Z"),
    });
  });

  it("names each attempt's pod as Argo does (the archived logs' keys hold the real pod names)", () => {
    const wf = load("status-dag-diamond-succeeded.excerpt.yaml");
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
    expect(podNameOf(wf, ref)).toBe(podNameOf(wf, pods[0]!).replace("-echo-", "-run-task-"));
  });

  it("failFast disabled: exhausted retries fail, siblings go on; plain Pods are one attempt", () => {
    const wf = load("status-dag-failed-disable-failfast.yaml");
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
    const wf = load("status-dag-nested-exhausted-retries-skipped.yaml");
    expect(summary(wf)).toEqual({
      success1: ["Succeeded", true, ["0:Succeeded:0"]],
      fail: ["Failed", true, ["0:Failed:1", "1:Failed:1"]],
      success2: ["Omitted", true, []],
    });
    // only the entry DAG's own tasks when a boundary is given
    expect(Object.keys(summary(wf, "retry-with-dags"))).toEqual(expect.arrayContaining(["success1", "success2"]));
    expect(Object.keys(summary(wf, "retry-with-dags"))).not.toContain("fail");
  });

  it("a Retry node still Running while its finished attempts all failed is not final", () => {
    const wf = load("status-steps-failed-retries.yaml");
    const s = summary(wf);
    expect(s["delayed-fail"]).toEqual(["Running", false, ["0:Failed:1", "1:Failed:1"]]);
    expect(s.fail).toEqual(["Failed", true, ["0:Failed:1", "1:Failed:1"]]);
  });

  it("succeeded diamond: exit codes, times, and memoized nodes", () => {
    const wf = load("status-dag-diamond-succeeded.excerpt.yaml");
    expect(summary(wf, wf.metadata.name)).toEqual({
      A: ["Succeeded", true, ["0:Succeeded:0"]],
      B: ["Succeeded", true, ["0:Succeeded:0"]],
      C: ["Succeeded", true, ["0:Succeeded:0"]],
      D: ["Succeeded", true, ["0:Succeeded:0"]],
    });
    const memo = mapTasks(load("status-memoization.excerpt.yaml")).get("main")!;
    expect(memo.attempts[0]).toMatchObject({ phase: "Succeeded", memoized: false });
  });

  it("reads status.compressedNodes and refuses offloaded node status clearly", () => {
    const wf = load("status-dag-failed-disable-failfast.yaml");
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
});
