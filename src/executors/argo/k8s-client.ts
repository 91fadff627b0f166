// A thin port over the Kubernetes API for workflows.argoproj.io, and its
// implementation with @kubernetes/client-node 1.4 (CustomObjectsApi + Watch),
// from a kubeconfig ($KUBECONFIG, ~/.kube/config) or the in-cluster service account.
// Pod logs (CoreV1Api) too, for the details of failed attempts, and followed
// live (pods/log with follow=true, streamed).
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from "@kubernetes/client-node";
import type { LogFrom, PodLogStream } from "./pod-log-follower.js";
import type { PodLogReader } from "./pod-logs.js";
import type { ArgoWorkflow } from "./types.js";

export interface WorkflowList {
  items: ArgoWorkflow[];
  resourceVersion: string;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WorkflowApi {
  create(wf: ArgoWorkflow): Promise<ArgoWorkflow>;
  get(name: string): Promise<ArgoWorkflow>;
  list(labelSelector: string): Promise<WorkflowList>;
  /** JSON merge patch (RFC 7386). */
  patch(name: string, patch: Record<string, unknown>): Promise<ArgoWorkflow>;
  /** Watches from `resourceVersion`; `onDone` once the stream ends, with the error if any (HTTP 410 has statusCode 410). */
  watch(
    labelSelector: string,
    resourceVersion: string,
    onEvent: (type: WatchEventType, object: unknown) => void,
    onDone: (err: unknown) => void,
  ): Promise<{ abort(): void }>;
}

const GROUP = "argoproj.io";
const VERSION = "v1alpha1";
const PLURAL = "workflows";

export class KubeWorkflowApi implements WorkflowApi {
  private readonly api: CustomObjectsApi;
  private readonly watcher: Watch;
  private readonly at: { group: string; version: string; plural: string; namespace: string };

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
  ) {
    this.api = kc.makeApiClient(CustomObjectsApi);
    this.watcher = new Watch(kc);
    this.at = { group: GROUP, version: VERSION, plural: PLURAL, namespace };
  }

  async create(wf: ArgoWorkflow): Promise<ArgoWorkflow> {
    return (await this.api.createNamespacedCustomObject({ ...this.at, body: wf })) as ArgoWorkflow;
  }

  async get(name: string): Promise<ArgoWorkflow> {
    return (await this.api.getNamespacedCustomObject({ ...this.at, name })) as ArgoWorkflow;
  }

  async list(labelSelector: string): Promise<WorkflowList> {
    const r = (await this.api.listNamespacedCustomObject({ ...this.at, labelSelector })) as {
      items: ArgoWorkflow[];
      metadata: { resourceVersion: string };
    };
    return { items: r.items, resourceVersion: r.metadata.resourceVersion };
  }

  async patch(name: string, patch: Record<string, unknown>): Promise<ArgoWorkflow> {
    // client-node 1.x sends JSON Patch unless told otherwise
    return (await this.api.patchNamespacedCustomObject(
      { ...this.at, name, body: patch },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as ArgoWorkflow;
  }

  async watch(
    labelSelector: string,
    resourceVersion: string,
    onEvent: (type: WatchEventType, object: unknown) => void,
    onDone: (err: unknown) => void,
  ) {
    const path = `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(this.at.namespace)}/${PLURAL}`;
    return this.watcher.watch(
      path,
      { labelSelector, resourceVersion, allowWatchBookmarks: true },
      (type, obj) => onEvent(type as WatchEventType, obj),
      onDone,
    );
  }
}

/** Reads the `main` container's log (Argo runs the task's script there). */
export class KubePodLogs implements PodLogReader, PodLogStream {
  private readonly api: CoreV1Api;

  constructor(
    private readonly kc: KubeConfig,
    readonly namespace: string,
  ) {
    this.api = kc.makeApiClient(CoreV1Api);
  }

  /**
   * A streamed GET of pods/log with the kubeconfig's credentials and agent.
   * Not client-node's Log class: it pipes node-fetch's body, whose errors (a
   * dropped connection, an abort) are then emitted with no listener and would
   * crash the process, and a drop would go unnoticed.
   */
  follow(podName: string, from: LogFrom, onData: (chunk: Buffer) => void, onClosed: (err?: unknown) => void): { abort(): void } {
    let aborted = false;
    let done = false;
    let req: ReturnType<typeof httpRequest> | undefined;
    const close = (err?: unknown) => {
      if (done || aborted) return;
      done = true;
      onClosed(err);
    };
    void (async () => {
      const cluster = this.kc.getCurrentCluster();
      if (!cluster) throw new Error("the kubeconfig has no current cluster");
      const url = new URL(
        `${cluster.server.replace(/\/$/, "")}/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods/${encodeURIComponent(podName)}/log`,
      );
      url.searchParams.set("container", "main");
      url.searchParams.set("follow", "true");
      url.searchParams.set("timestamps", "true");
      if (from.sinceTime) url.searchParams.set("sinceTime", from.sinceTime);
      if (from.tailLines !== undefined) url.searchParams.set("tailLines", String(from.tailLines));
      const opts: RequestOptions = { method: "GET", headers: {} };
      await this.kc.applyToHTTPSOptions(opts);
      if (aborted) return;
      req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, opts, (res) => {
        if (res.statusCode !== 200) return void failure(res).then(close, close);
        res.on("data", onData);
        res.on("end", () => close());
        res.on("error", close);
        // a connection cut mid-body: no "end", only "close"
        res.on("close", () => close(res.complete ? undefined : new Error("pod log stream cut")));
      });
      req.on("error", close);
      req.end();
    })().catch(close);
    return {
      abort: () => {
        aborted = true;
        req?.destroy();
      },
    };
  }

  read(name: string, tailLines: number, limitBytes: number): Promise<string> {
    return this.api.readNamespacedPodLog({ name, namespace: this.namespace, container: "main", tailLines, limitBytes });
  }
}

/** An API answer other than 200, as an error carrying the Status message and code. */
async function failure(res: IncomingMessage): Promise<Error> {
  let body = "";
  for await (const chunk of res) if (body.length < 64 * 1024) body += String(chunk);
  let message = body.slice(0, 500);
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? message;
  } catch {
    // not a Status object: the text as it came
  }
  return Object.assign(new Error(`HTTP ${res.statusCode}: ${message}`), { statusCode: res.statusCode });
}

/** $KUBECONFIG or ~/.kube/config, else the in-cluster service account (client-node's default order). */
export function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
