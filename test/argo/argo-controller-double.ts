// TEST DOUBLE of the Argo workflow controller: no pods, no Kubernetes. On each
// tick it advances the node statuses of the Workflows stored in the API double
// the way Argo's real status objects show them (argoproj/argo-workflows controller testdata; the
// objects in test/fixtures/argo/ are written in the same shapes):
// - status.nodes keyed by node id (<workflow>-<fnv32a of node name>), the entry DAG node's id is
//   the Workflow's name, every task node has boundaryID = that DAG node; nodes of a task that calls
//   a templateRef carry templateRef, not templateName;
// - times are metav1.Time: RFC 3339 to the second, from the cluster's clock (`clockOffsetMs` away
//   from this machine's);
// - pods are named as with the pod-name-format v2 annotation the controller puts on the Workflow:
//   <workflow>-<template>-<fnv32a of node name>, with containers `wait` and `main` that start when
//   the pod runs and exit when it ends; the main container's log is what a test writes to it
//   meanwhile, then the attempt's stdout then stderr; `podGC` deletes a pod once it completes
//   (podGC strategy OnPodCompletion);
// - a task with retryStrategy is a `Retry` node whose children are `Pod` nodes named
//   `<task>(0)`, `<task>(1)`...; a failed Pod says "failed with exit code N" and carries
//   outputs.exitCode; exhausted retries end the Retry node Failed, "No more retries left";
// - `depends` not met -> `type: Skipped, phase: Omitted, "omitted: depends condition not met"`;
// - failFast (the default) starts nothing after a failure unless the task has continueOn.failed;
// - spec.parallelism bounds running pods; spec.suspend starts no new pod; spec.shutdown "Stop"
//   starts nothing new and lets running pods end, "Terminate" fails them at once;
// - finished Workflows get phase, finishedAt and the workflows.argoproj.io/completed label;
// - optionally nodes are gzip+base64-encoded into status.compressedNodes (packer.go behaviour),
//   or offloaded (status.nodes emptied, offloadNodeStatusVersion set).
// Pods run until the next tick (or `ticks` of them), or while their task id is in `held`; `behaviour` decides the
// exit code and stdout (outputs.result) of each attempt.
import { gzipSync } from "node:zlib";
import { readNodes } from "../../src/executors/argo/node-mapper.js";
import type { ArgoNode, ArgoWorkflow } from "../../src/executors/argo/types.js";
import { isFinished } from "../../src/executors/argo/types.js";
import type { KubeApiDouble } from "./k8s-api-double.js";

export interface PodResult {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

interface DagTask {
  name: string;
  depends?: string;
  continueOn?: { failed?: boolean };
  arguments?: { parameters?: { name: string; value?: string }[] };
}

const FINAL = new Set(["Succeeded", "Failed", "Error", "Skipped", "Omitted"]);

export class ArgoControllerDouble {
  behaviour: (taskId: string, retry: number) => PodResult = () => ({ exitCode: 0, stdout: "done\n" });
  /** Ticks a task's pod runs (default 1: it ends on the tick after it started). */
  ticks: (taskId: string) => number = () => 1;
  /** Pod node id -> ticks it has run. */
  private readonly ran = new Map<string, number>();
  /** Task ids whose running pods do not finish until removed. */
  readonly held = new Set<string>();
  /** Progress ("N/M") a running task reports, as a pod writing $ARGO_PROGRESS_FILE does. */
  readonly progress = new Map<string, string>();
  /** Every pod started, as "<workflow>/<task id>(retry)". */
  readonly pods: string[] = [];
  /** Running pods over all Workflows after each tick while any Workflow is unfinished: parallelism over time. */
  readonly running: number[] = [];
  compress = false;
  /** The cluster's clock minus this machine's. */
  clockOffsetMs = 0;
  /** Pods are deleted as soon as they complete. */
  podGC = false;
  /** Node status "offloaded to the database": only offloadNodeStatusVersion stays in the object. */
  offload = false;
  private timer: NodeJS.Timeout | undefined;
  /** Where offloaded nodes live (Argo keeps them in its SQL database). */
  private readonly offloaded = new Map<string, Record<string, ArgoNode>>();

  constructor(
    private readonly api: KubeApiDouble,
    private readonly tickMs = 15,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  tick(): void {
    let running = 0;
    let unfinished = false;
    for (const wf of this.api.all()) {
      if (isFinished(wf)) continue;
      unfinished = true;
      const before = JSON.stringify(wf.status ?? null);
      const next = structuredClone(wf);
      running += this.advance(next);
      if (JSON.stringify(next.status) === before) continue;
      this.api.update(wf.metadata.name!, (w) => {
        w.status = next.status!;
        w.metadata.labels = next.metadata.labels!;
        w.metadata.annotations = next.metadata.annotations!;
      });
    }
    if (unfinished) this.running.push(running);
  }

  /** Moves one Workflow on; returns its running pods. */
  private advance(wf: ArgoWorkflow): number {
    const name = wf.metadata.name!;
    const now = new Date(Date.now() + this.clockOffsetMs).toISOString().replace(/\.\d+Z$/, "Z");
    wf.metadata.annotations = { ...wf.metadata.annotations, "workflows.argoproj.io/pod-name-format": "v2" };
    const spec = wf.spec as {
      entrypoint: string;
      parallelism?: number;
      suspend?: boolean;
      shutdown?: string;
      templates: { name: string; dag?: { tasks: DagTask[]; failFast?: boolean } }[];
      arguments?: { parameters?: { name: string; value?: string }[] };
    };
    const dag = spec.templates.find((t) => t.name === spec.entrypoint)!.dag!;
    const limit = Number(spec.arguments?.parameters?.find((p) => p.name === "retry-limit")?.value ?? 0);
    wf.status ??= {};
    const nodes = wf.status.phase
      ? (this.offloaded.get(name) ?? readNodes(wf))
      : {
          [name]: {
            id: name,
            name,
            displayName: name,
            type: "DAG",
            phase: "Running",
            startedAt: now,
            templateName: spec.entrypoint,
            children: [],
          } as ArgoNode,
        };
    wf.status.phase ??= "Running";
    wf.status.startedAt ??= now;
    const root = nodes[name]!;
    const id = (nodeName: string) => `${name}-${fnv1a(nodeName)}`;
    const taskNode = (t: DagTask) => nodes[id(`${name}.${t.name}`)];
    const taskId = (t: DagTask) => t.arguments?.parameters?.find((p) => p.name === "task-id")?.value ?? t.name;
    const pods = () => Object.values(nodes).filter((n) => n.type === "Pod");
    const failedHard = () => dag.tasks.some((t) => taskNode(t)?.phase === "Failed" && !t.continueOn?.failed);
    const failFast = dag.failFast !== false;

    // running pods end (Terminate ends them all, failed)
    for (const t of dag.tasks) {
      const retry = taskNode(t);
      if (!retry || FINAL.has(retry.phase!)) continue;
      const pod = nodes[retry.children!.at(-1)!]!;
      if (pod.phase === "Running" && spec.shutdown === "Terminate") {
        Object.assign(pod, { phase: "Failed", message: "Stopped with strategy 'Terminate'", finishedAt: now });
        for (const c of ["wait", "main"]) this.api.endContainer(podNameOf(name, pod), c);
        Object.assign(retry, { phase: "Failed", message: "Stopped with strategy 'Terminate'", finishedAt: now });
        continue;
      }
      const reported = this.progress.get(taskId(t));
      if (pod.phase === "Running" && reported) pod.progress = reported;
      if (pod.phase !== "Running" || this.held.has(taskId(t))) continue;
      const ran = (this.ran.get(pod.id) ?? 0) + 1;
      this.ran.set(pod.id, ran);
      if (ran < this.ticks(taskId(t))) continue;
      const k = retry.children!.length - 1;
      const r = this.behaviour(taskId(t), k);
      this.runPod(podNameOf(name, pod), r);
      Object.assign(pod, {
        phase: r.exitCode === 0 ? "Succeeded" : "Failed",
        finishedAt: now,
        outputs: { exitCode: String(r.exitCode), ...(r.stdout !== undefined ? { result: r.stdout } : {}) },
      });
      if (r.exitCode !== 0) pod.message = `failed with exit code ${r.exitCode}`;
      if (r.exitCode === 0) Object.assign(retry, { phase: "Succeeded", finishedAt: now, outputs: pod.outputs });
      else if (k < limit && !spec.shutdown) this.addPod(nodes, retry, `${t.name}(${k + 1})`, id, name);
      else Object.assign(retry, { phase: "Failed", message: "No more retries left", finishedAt: now });
    }

    // new tasks whose dependencies settled
    const stopping = Boolean(spec.shutdown) || (failFast && failedHard());
    for (const t of stopping ? [] : dag.tasks) {
      if (taskNode(t)) continue;
      const deps = (t.depends ?? "")
        .split("&&")
        .map((d) => d.trim().replace(/\.Succeeded$/, ""))
        .filter(Boolean);
      const depNodes = deps.map((d) => taskNode(dag.tasks.find((x) => x.name === d)!));
      if (depNodes.some((n) => !n || !FINAL.has(n.phase!))) continue;
      const ok = depNodes.every((n) => n!.phase === "Succeeded");
      const node: ArgoNode = ok
        ? {
            id: id(`${name}.${t.name}`),
            name: `${name}.${t.name}`,
            displayName: t.name,
            type: "Retry",
            phase: "Running",
            boundaryID: name,
            startedAt: now,
            children: [],
            templateRef: RUN_TASK,
          }
        : {
            id: id(`${name}.${t.name}`),
            name: `${name}.${t.name}`,
            displayName: t.name,
            type: "Skipped",
            phase: "Omitted",
            boundaryID: name,
            message: "omitted: depends condition not met",
            startedAt: now,
            finishedAt: now,
            templateRef: RUN_TASK,
          };
      nodes[node.id] = node;
      root.children!.push(node.id);
      if (ok) this.addPod(nodes, node, `${t.name}(0)`, id, name);
    }

    // pending pods start within parallelism, unless suspended or shutting down
    let running = pods().filter((p) => p.phase === "Running").length;
    for (const p of pods()) {
      if (p.phase !== "Pending" || spec.suspend || spec.shutdown || running >= (spec.parallelism ?? Infinity)) continue;
      Object.assign(p, { phase: "Running", startedAt: now });
      for (const c of ["wait", "main"]) this.api.startContainer(podNameOf(name, p), c);
      running++;
      this.pods.push(
        `${name}/${taskId(dag.tasks.find((t) => p.displayName!.startsWith(`${t.name}(`))!)}${p.displayName!.slice(p.displayName!.indexOf("("))}`,
      );
    }

    // the Workflow ends when nothing runs and nothing more will start
    const busy = pods().some((p) => p.phase === "Running" || (p.phase === "Pending" && !spec.shutdown && !spec.suspend));
    const allSettled = dag.tasks.every((t) => taskNode(t) && FINAL.has(taskNode(t)!.phase!));
    if (!busy && !spec.suspend && (allSettled || spec.shutdown || (failFast && failedHard()))) {
      const phase = spec.shutdown || failedHard() ? "Failed" : "Succeeded";
      for (const p of pods()) if (p.phase === "Pending") Object.assign(p, { phase: "Omitted", finishedAt: now });
      Object.assign(root, { phase, finishedAt: now });
      Object.assign(wf.status, {
        phase,
        finishedAt: now,
        ...(spec.shutdown ? { message: `Stopped with strategy '${spec.shutdown}'` } : {}),
      });
      wf.metadata.labels = { ...wf.metadata.labels, "workflows.argoproj.io/completed": "true", "workflows.argoproj.io/phase": phase };
    }
    if (this.offload) {
      this.offloaded.set(name, nodes);
      wf.status.offloadNodeStatusVersion = `fnv:${JSON.stringify(nodes).length}`;
      wf.status.nodes = {};
    } else if (this.compress) {
      wf.status.compressedNodes = gzipSync(JSON.stringify(nodes)).toString("base64");
      wf.status.nodes = {};
    } else wf.status.nodes = nodes;
    return pods().filter((p) => p.phase === "Running").length;
  }

  private addPod(nodes: Record<string, ArgoNode>, retry: ArgoNode, displayName: string, id: (n: string) => string, wfName: string): void {
    const pod: ArgoNode = {
      id: id(`${wfName}.${displayName}`),
      name: `${wfName}.${displayName}`,
      displayName,
      type: "Pod",
      phase: "Pending",
      boundaryID: wfName,
      templateRef: RUN_TASK,
    };
    nodes[pod.id] = pod;
    retry.children!.push(pod.id);
  }

  /** What the kubelet keeps of a pod that ran to its end (and podGC then removes). */
  private runPod(pod: string, r: PodResult): void {
    this.api.writePodLog(pod, "wait", 'level=info msg="Starting Workflow Executor"\n');
    this.api.writePodLog(pod, "main", `${r.stdout ?? ""}${r.stderr ?? ""}`);
    for (const c of ["wait", "main"]) this.api.endContainer(pod, c);
    if (this.podGC) this.api.deletePod(pod);
  }
}

const RUN_TASK = { name: "multi-task-processor", template: "run-task" };

/** Argo's v2 pod name: the node id's hash after `<workflow>-<template>-`. */
function podNameOf(workflow: string, node: ArgoNode): string {
  return `${workflow}-${node.templateRef!.template}-${node.id.slice(workflow.length + 1)}`;
}

/** FNV-1a 32 (Go's hash/fnv), as Argo hashes node names into node ids. */
function fnv1a(text: string): string {
  let h = 2166136261n;
  for (const byte of new TextEncoder().encode(text)) h = ((h ^ BigInt(byte)) * 16777619n) % 4294967296n;
  return h.toString();
}
