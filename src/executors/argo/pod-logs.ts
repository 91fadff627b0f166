// A failed attempt's container log, for what its node status does not say
// (stderr above all). Kubernetes keeps a pod's log until the pod is deleted
// (Argo's podGC), and reading it needs `get` on pods/log: when it cannot be
// read in time the attempt is recorded with the node's message alone; a run
// never fails because a log is unavailable.
import type { ExecutionOutcome } from "../../engine/executor.js";
import { DEFAULT_TAIL_BYTES, OutputTail } from "../output-tail.js";
import type { ArgoNode, ArgoWorkflow } from "./types.js";

export interface PodLogReader {
  /** The last `lines` lines of a pod's `main` container log, at most `limitBytes` from their start. */
  read(podName: string, lines: number, limitBytes: number): Promise<string>;
}

/** Lines asked for, and bytes read at most (the API cuts at limitBytes from the start of those lines). */
const TAIL_LINES = 200;
const LIMIT_BYTES = 4 * DEFAULT_TAIL_BYTES;

/**
 * The log's end, as stdout and stderr interleaved (how Kubernetes serves it;
 * `stream` cannot be combined with tailLines). When long lines filled
 * limitBytes before the end, fewer lines are asked for once more.
 */
export async function readLogTail(reader: PodLogReader, podName: string): Promise<string> {
  let text = await reader.read(podName, TAIL_LINES, LIMIT_BYTES);
  if (Buffer.byteLength(text) >= LIMIT_BYTES) text = await reader.read(podName, 10, LIMIT_BYTES);
  const tail = new OutputTail(DEFAULT_TAIL_BYTES);
  tail.push(text);
  return tail.toString();
}

export interface LogTailOptions {
  timeoutMs: number;
  /** Aborted: hand the outcome on at once, without the log. */
  signal: AbortSignal;
  onError(err: unknown): void;
}

/** A failed outcome with its pod's log tail as stderrTail, if the log can be read within the timeout. */
export async function withLogTail(
  outcome: ExecutionOutcome,
  podName: string,
  reader: PodLogReader,
  o: LogTailOptions,
): Promise<ExecutionOutcome> {
  if (o.signal.aborted) return outcome;
  let timer: NodeJS.Timeout | undefined;
  let stop = () => {};
  const gaveUp = new Promise<undefined>((resolve) => {
    stop = () => resolve(undefined);
    timer = setTimeout(stop, o.timeoutMs);
    o.signal.addEventListener("abort", stop, { once: true });
  });
  try {
    const log = await Promise.race([readLogTail(reader, podName), gaveUp]);
    return log ? { ...outcome, stderrTail: log } : outcome;
  } catch (err) {
    o.onError(err);
    return outcome;
  } finally {
    clearTimeout(timer);
    o.signal.removeEventListener("abort", stop);
  }
}

const POD_NAME_FORMAT = "workflows.argoproj.io/pod-name-format";
/** Kubernetes names are at most 253 characters; Argo keeps 10 for the hash and a dash. */
const MAX_PREFIX = 253 - 10 - 1;

/**
 * The pod that ran a Pod node, named as Argo names it (util.GeneratePodName):
 * v1 is the node id; v2 (the default since Argo 3.4, stated in the Workflow's
 * pod-name-format annotation) is `<workflow>-<template>-<fnv32a(node name)>`,
 * the template taken from the node's templateRef when it has one.
 */
export function podNameOf(wf: ArgoWorkflow, node: ArgoNode): string {
  const workflow = wf.metadata.name ?? "";
  if (wf.metadata.annotations?.[POD_NAME_FORMAT] === "v1") return node.id;
  if (node.name === workflow) return workflow;
  const template = node.templateRef?.template ?? node.templateName;
  const prefix = (template ? `${workflow}-${template}` : workflow).slice(0, MAX_PREFIX);
  return `${prefix}-${fnv32a(node.name)}`;
}

/** FNV-1a, 32 bits, over the UTF-8 bytes (Go's hash/fnv New32a). */
function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}
