// A thin port over the Kubernetes API for workflows.argoproj.io, and its
// implementation with @kubernetes/client-node 1.4 (CustomObjectsApi + Watch),
// from a kubeconfig ($KUBECONFIG, ~/.kube/config) or the in-cluster service account.
// Pod logs (CoreV1Api) too, for the details of failed attempts.
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from "@kubernetes/client-node";
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

  constructor(kc: KubeConfig, readonly namespace: string) {
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
    const r = (await this.api.listNamespacedCustomObject({ ...this.at, labelSelector })) as { items: ArgoWorkflow[]; metadata: { resourceVersion: string } };
    return { items: r.items, resourceVersion: r.metadata.resourceVersion };
  }

  async patch(name: string, patch: Record<string, unknown>): Promise<ArgoWorkflow> {
    // client-node 1.x sends JSON Patch unless told otherwise
    return (await this.api.patchNamespacedCustomObject({ ...this.at, name, body: patch }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch))) as ArgoWorkflow;
  }

  async watch(labelSelector: string, resourceVersion: string, onEvent: (type: WatchEventType, object: unknown) => void, onDone: (err: unknown) => void) {
    const path = `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(this.at.namespace)}/${PLURAL}`;
    return this.watcher.watch(path, { labelSelector, resourceVersion, allowWatchBookmarks: true }, (type, obj) => onEvent(type as WatchEventType, obj), onDone);
  }
}

/** Reads the `main` container's log (Argo runs the task's script there). */
export class KubePodLogs implements PodLogReader {
  private readonly api: CoreV1Api;

  constructor(kc: KubeConfig, readonly namespace: string) {
    this.api = kc.makeApiClient(CoreV1Api);
  }

  read(name: string, tailLines: number, limitBytes: number): Promise<string> {
    return this.api.readNamespacedPodLog({ name, namespace: this.namespace, container: "main", tailLines, limitBytes });
  }
}

/** $KUBECONFIG or ~/.kube/config, else the in-cluster service account (client-node's default order). */
export function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
