// Pure: a Workflow's status -> what happened to each Conveyor task in it.
// A DAG task is one node named after the task (t-<unit index>): a Pod (no
// retryStrategy, one attempt), or a Retry node whose Pod children are the
// attempts in order, or a Skipped/Omitted node (never ran). Nodes are read
// from status.nodes, or from status.compressedNodes (gzip + base64) when the
// controller compressed them; offloaded node status cannot be read here.
import { gunzipSync } from "node:zlib";
import type { ExecutionOutcome } from "../../engine/executor.js";
import { ProtocolParser } from "../task-protocol.js";
import { podNameOf } from "./pod-logs.js";
import type { ArgoNode, ArgoWorkflow } from "./types.js";

export const SETTLED_PHASES: ReadonlySet<string> = new Set(["Succeeded", "Failed", "Error", "Skipped", "Omitted"]);

export interface AttemptView {
  /** Node id: with the phase, what makes a transition unique. */
  nodeId: string;
  /** 0-based retry number within this Workflow. */
  retry: number;
  phase: string;
  message?: string;
  exitCode: number | null;
  result?: string;
  startedAt?: number;
  finishedAt?: number;
  memoized: boolean;
  /** The pod that ran the attempt (none for a memoized one). */
  podName?: string;
  /** Self-reported progress (Argo's node `progress` "N/M", written by the task to $ARGO_PROGRESS_FILE), 0..1. */
  progress?: number;
}

export interface TaskView {
  /** The DAG task's name. */
  name: string;
  /** The DAG task's own verdict node (Retry or Pod or Skipped). */
  phase: string;
  message?: string;
  attempts: AttemptView[];
  /** No further attempt will come from this Workflow. */
  final: boolean;
}

export class OffloadedNodesError extends Error {
  constructor(name: string, version: string) {
    super(
      `Workflow ${name} has its node status offloaded to Argo's database (offloadNodeStatusVersion ${version}); ` +
        "Conveyor reads nodes from the Workflow object only: disable nodeStatusOffLoad or keep runs smaller",
    );
    this.name = "OffloadedNodesError";
  }
}

/** The node map, decompressed when needed. */
export function readNodes(wf: ArgoWorkflow): Record<string, ArgoNode> {
  const s = wf.status;
  if (!s) return {};
  if (s.nodes && Object.keys(s.nodes).length > 0) return s.nodes;
  if (s.compressedNodes)
    return JSON.parse(gunzipSync(Buffer.from(s.compressedNodes, "base64")).toString("utf8")) as Record<string, ArgoNode>;
  if (s.offloadNodeStatusVersion) throw new OffloadedNodesError(wf.metadata.name ?? "?", s.offloadNodeStatusVersion);
  return s.nodes ?? {};
}

const VIRTUAL = new Set(["DAG", "Steps", "StepGroup", "TaskGroup"]);
const RETRY_SUFFIX = /\((\d+)\)$/;

/**
 * Per task name (displayName), the task's verdict node and its attempts. Pods
 * that are children of a Retry node are attempts, not tasks. With `boundary`,
 * only tasks directly inside that template node count (the entry DAG of a
 * generated Workflow has the Workflow's name as node id).
 */
export function mapTasks(wf: ArgoWorkflow, boundary?: string): Map<string, TaskView> {
  const nodes = readNodes(wf);
  const attemptIds = new Set(Object.values(nodes).flatMap((n) => (n.type === "Retry" ? (n.children ?? []) : [])));
  const views = new Map<string, TaskView>();
  for (const node of Object.values(nodes)) {
    if (VIRTUAL.has(node.type) || attemptIds.has(node.id) || node.displayName === undefined) continue;
    if (boundary !== undefined && node.boundaryID !== boundary) continue;
    const attempts =
      node.type === "Retry"
        ? (node.children ?? [])
            .map((id) => nodes[id])
            .filter((c): c is ArgoNode => c !== undefined && RETRY_SUFFIX.test(c.displayName ?? ""))
            .map((c) => attemptOf(wf, c, Number(RETRY_SUFFIX.exec(c.displayName!)![1])))
            .sort((a, b) => a.retry - b.retry)
        : node.type === "Skipped"
          ? []
          : [attemptOf(wf, node, 0)];
    // a memoized Retry node succeeds without a pod: one attempt, served from the cache
    if (node.type === "Retry" && attempts.length === 0 && node.phase === "Succeeded") attempts.push(attemptOf(wf, node, 0));
    const phase = node.phase ?? "Pending";
    views.set(node.displayName, {
      name: node.displayName,
      phase,
      ...(node.message ? { message: node.message } : {}),
      attempts,
      final: SETTLED_PHASES.has(phase),
    });
  }
  return views;
}

function attemptOf(wf: ArgoWorkflow, n: ArgoNode, retry: number): AttemptView {
  const exit = n.outputs?.exitCode;
  const started = time(n.startedAt);
  const finished = time(n.finishedAt);
  return {
    nodeId: n.id,
    retry,
    phase: n.phase ?? "Pending",
    ...(n.message ? { message: n.message } : {}),
    exitCode: exit !== undefined && /^-?\d+$/.test(exit) ? Number(exit) : exitFromMessage(n.message),
    ...(n.outputs?.result !== undefined ? { result: n.outputs.result } : {}),
    ...(started !== undefined ? { startedAt: started } : {}),
    ...(finished !== undefined ? { finishedAt: finished } : {}),
    memoized: n.memoizationStatus?.hit === true,
    ...(n.type === "Pod" ? { podName: podNameOf(wf, n) } : {}),
    ...progressOf(n.progress),
  };
}

function progressOf(p: string | undefined): { progress?: number } {
  const m = /^(\d+)\/(\d+)$/.exec(p ?? "");
  return m && Number(m[2]) > 0 ? { progress: Math.min(1, Number(m[1]) / Number(m[2])) } : {};
}

function exitFromMessage(message: string | undefined): number | null {
  const m = /exit code (\d+)/.exec(message ?? "");
  return m ? Number(m[1]) : null;
}

/** RFC 3339, quoted or not in the YAML; null while running. */
function time(t: string | null | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

export const isSettled = (a: AttemptView): boolean => SETTLED_PHASES.has(a.phase);

/** What the supervisor records for a settled attempt, timed by Argo's clock (the Pod node's startedAt/finishedAt). */
export function outcomeOf(a: AttemptView): ExecutionOutcome {
  let result: unknown;
  if (a.result !== undefined) {
    // outputs.result is the script's stdout: the task protocol's last result line wins
    const parser = new ProtocolParser((e) => {
      if (e.kind === "result") result = e.value;
    });
    parser.push(a.result);
    parser.end();
  }
  const tail = a.result !== undefined ? { stdoutTail: a.result.slice(-64 * 1024) } : {};
  // both or neither: half from Argo's clock and half from Conveyor's would make a skewed duration
  const times = a.startedAt !== undefined && a.finishedAt !== undefined ? { startedAt: a.startedAt, finishedAt: a.finishedAt } : {};
  if (a.phase === "Succeeded")
    return { ok: true, exitCode: a.exitCode ?? 0, ...(result !== undefined ? { result } : {}), ...tail, ...times };
  const message = a.message ?? "no message";
  // the exit code in the error too, unless Argo's message already says it ("failed with exit code 3")
  const code = a.exitCode !== null && !message.includes(`exit code ${a.exitCode}`) ? ` (exit code ${a.exitCode})` : "";
  const error = `argo ${a.phase.toLowerCase()}: ${message}${code}`;
  const timedOut = /deadline|timeout/i.test(message);
  return { ok: false, exitCode: a.exitCode, error, ...tail, ...times, ...(timedOut ? { timedOut } : {}) };
}
