// TEST DOUBLE of the Kubernetes API server, for workflows.argoproj.io and pod
// logs only. It is not Kubernetes. It follows the real API's observable
// behaviour that Conveyor relies on:
// - create (POST, metadata.generateName -> name + 5 random chars, 201), get (404 Status when
//   absent), list (WorkflowList with metadata.resourceVersion), JSON merge patch (RFC 7386,
//   Content-Type application/merge-patch+json; other patch types get 415);
// - one resourceVersion counter across all objects, bumped on every write;
// - watch (?watch=true&resourceVersion=N&labelSelector=k=v,...): newline-delimited JSON events
//   {type, object} after version N, then live ones; BOOKMARKs are not sent;
// - a version older than the compaction point yields, as the real server does, HTTP 200 with
//   one ERROR event carrying a Status with code 410 (reason Expired), then the stream ends
//   (goneAs "http" answers HTTP 410 instead, as some proxies and older servers do).
// - pod logs (GET /api/v1/namespaces/{ns}/pods/{name}/log, the pods/log subresource): text/plain;
//   `container` must name one of the pod's containers (400 BadRequest "container x is not valid for
//   pod y"; omitted with several containers, 400 too), an absent pod is 404 NotFound; tailLines keeps the last N lines, then limitBytes cuts
//   the output after that many bytes (so from the start of those lines, possibly mid-line);
//   forbidPodLogs answers 403 Forbidden as the RBAC authorizer does without `get` on pods/log.
//   Each line is kept with the time it was written (the kubelet's CRI log), so timestamps=true
//   prefixes lines with it in RFC3339Nano, fixed 9 digits, and a space; sinceTime keeps lines
//   written at or after it, to the second (the apiserver hands it on to the kubelet in RFC3339).
//   follow=true on a container that has not started is 400 ("is waiting to start"); on a running
//   one it answers 200 text/plain, chunked, with the lines so far and then each line as it is
//   written, and ends the response when the container exits (on an exited one, at once).
// Test hooks: dropWatches() cuts every open watch, refuseWatches answers 503, compact() forgets
// history, update() is how the simulated controller writes status, writePodLog() how its pods log
// (the kubelet's part), startContainer()/endContainer() a container's life, deletePod() what
// Argo's podGC does, dropPodLogs() cuts every open log stream.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll } from "vitest";
import type { ArgoWorkflow } from "../../src/executors/argo/types.js";

type EventType = "ADDED" | "MODIFIED" | "DELETED";
interface Watcher {
  res: ServerResponse;
  selector: Record<string, string>;
}
/** A container's log as the kubelet keeps it: lines with the time each was written. */
interface ContainerLog {
  lines: { time: string; text: string }[];
  state: "waiting" | "running" | "terminated";
  /** Open follow=true responses, with whether they want timestamps. */
  followers: Set<{ res: ServerResponse; timestamps: boolean }>;
}

const PATH = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/workflows(?:\/([^/?]+))?$/;
const POD_LOG = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;

export class KubeApiDouble {
  private readonly server: Server;
  private readonly objects = new Map<string, ArgoWorkflow>();
  private readonly history: { rv: number; type: EventType; object: ArgoWorkflow }[] = [];
  private readonly watchers = new Set<Watcher>();
  /** Pod name -> container name -> its log. */
  private readonly pods = new Map<string, Map<string, ContainerLog>>();
  /** Sub-millisecond digits of log timestamps, so lines written in one millisecond stay in order. */
  private logTick = 0;
  private rv = 100;
  private compactedAt = 0;
  readonly requests: string[] = [];
  /** While set, watch requests get 503, as from an apiserver that is restarting. */
  refuseWatches = false;
  /** How an expired version is answered: an ERROR event (what kube-apiserver does) or HTTP 410. */
  goneAs: "event" | "http" = "event";
  /** While set, pod log reads get 403, as for a service account without `get` on pods/log. */
  forbidPodLogs = false;
  /** Called after every write with the stored object (the controller double listens here). */
  onWrite: (wf: ArgoWorkflow) => void = () => {};

  constructor() {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => this.handle(req, res, body));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "double", server: this.url, skipTLSVerify: true }],
      users: [{ name: "tester" }],
      contexts: [{ name: "double", cluster: "double", user: "tester" }],
      currentContext: "double",
    });
    return kc;
  }

  async close(): Promise<void> {
    this.dropWatches();
    await new Promise((r) => this.server.close(r));
  }

  all(): ArgoWorkflow[] {
    return [...this.objects.values()].map((o) => structuredClone(o));
  }

  /** Replaces an object as the controller would (status writes), bumping its version. */
  update(name: string, change: (wf: ArgoWorkflow) => void): ArgoWorkflow | undefined {
    const wf = this.objects.get(name);
    if (!wf) return undefined;
    const copy = structuredClone(wf);
    change(copy);
    return this.write(copy, "MODIFIED");
  }

  /** Appends to a container's log, creating the pod (its container exited, unless started) on first write. */
  writePodLog(pod: string, container: string, text: string): void {
    const log = this.container(pod, container, "terminated");
    for (const piece of text.split(/(?<=\n)/)) {
      if (!piece) continue;
      const line = { time: this.logTime(), text: piece };
      log.lines.push(line);
      for (const f of log.followers) f.res.write(render(line, f.timestamps));
    }
  }

  /** The pod is scheduled: its containers wait to start (log reads with follow get 400). */
  createPod(pod: string, containers: string[]): void {
    for (const c of containers) this.container(pod, c, "waiting");
  }

  startContainer(pod: string, container: string): void {
    this.container(pod, container, "running").state = "running";
  }

  /** The container exited: its log stays, its followers' responses end. */
  endContainer(pod: string, container: string): void {
    const log = this.pods.get(pod)?.get(container);
    if (!log) return;
    log.state = "terminated";
    for (const f of log.followers) f.res.end();
    log.followers.clear();
  }

  deletePod(pod: string): void {
    for (const log of this.pods.get(pod)?.values() ?? []) for (const f of log.followers) f.res.end();
    this.pods.delete(pod);
  }

  /** Cuts every open pod log stream mid-way, as a broken connection or an apiserver restart would. */
  dropPodLogs(): void {
    for (const containers of this.pods.values()) {
      for (const log of containers.values()) {
        for (const f of log.followers) f.res.destroy();
        log.followers.clear();
      }
    }
  }

  /** Open follow=true log streams. */
  get podLogFollowers(): number {
    let n = 0;
    for (const containers of this.pods.values()) for (const log of containers.values()) n += log.followers.size;
    return n;
  }

  podNames(): string[] {
    return [...this.pods.keys()];
  }

  /** Ends every open watch stream, as a broken connection or an apiserver restart would. */
  dropWatches(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
  }

  /** Forgets every event so far: a watch from an older version gets 410 Gone. */
  compact(): void {
    this.compactedAt = this.rv;
    this.history.length = 0;
  }

  private write(wf: ArgoWorkflow, type: EventType): ArgoWorkflow {
    wf.metadata.resourceVersion = String(++this.rv);
    this.objects.set(wf.metadata.name!, wf);
    this.history.push({ rv: this.rv, type, object: structuredClone(wf) });
    for (const w of this.watchers) if (matches(wf, w.selector)) send(w.res, type, wf);
    this.onWrite(structuredClone(wf));
    return wf;
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? "/", "http://x");
    this.requests.push(`${req.method} ${url.pathname}${url.searchParams.get("watch") ? " watch" : ""}`);
    const log = POD_LOG.exec(url.pathname);
    if (log && req.method === "GET") return this.podLog(res, log[1]!, decodeURIComponent(log[2]!), url.searchParams);
    const m = PATH.exec(url.pathname);
    if (!m) return status(res, 404, "NotFound", `no route ${url.pathname}`);
    const [, namespace, name] = m;
    const selector = parseSelector(url.searchParams.get("labelSelector") ?? "");
    if (req.method === "GET" && !name && url.searchParams.get("watch") === "true")
      return this.watch(res, selector, Number(url.searchParams.get("resourceVersion") ?? 0));
    if (req.method === "GET" && !name) {
      const items = [...this.objects.values()].filter((o) => matches(o, selector));
      return json(res, 200, {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "WorkflowList",
        metadata: { resourceVersion: String(this.rv) },
        items,
      });
    }
    if (req.method === "POST" && !name) {
      const wf = JSON.parse(body) as ArgoWorkflow;
      wf.metadata.name ??= `${wf.metadata.generateName ?? "wf-"}${randomBytes(3).toString("hex").slice(0, 5)}`;
      if (this.objects.has(wf.metadata.name)) return status(res, 409, "AlreadyExists", `${wf.metadata.name} exists`);
      Object.assign(wf.metadata, { namespace, uid: randomUUID(), creationTimestamp: new Date().toISOString() });
      return json(res, 201, this.write(wf, "ADDED"));
    }
    const existing = name ? this.objects.get(name) : undefined;
    if (!existing) return status(res, 404, "NotFound", `workflows.argoproj.io "${name}" not found`);
    if (req.method === "GET") return json(res, 200, existing);
    if (req.method === "PATCH") {
      if (!String(req.headers["content-type"]).startsWith("application/merge-patch+json"))
        return status(res, 415, "UnsupportedMediaType", String(req.headers["content-type"]));
      return json(res, 200, this.write(mergePatch(structuredClone(existing), JSON.parse(body)) as ArgoWorkflow, "MODIFIED"));
    }
    return status(res, 405, "MethodNotAllowed", req.method ?? "");
  }

  private podLog(res: ServerResponse, namespace: string, pod: string, q: URLSearchParams): void {
    this.requests.push(`GET pods/${pod}/log?${q.toString()}`);
    if (this.forbidPodLogs) {
      return status(
        res,
        403,
        "Forbidden",
        `pods "${pod}" is forbidden: User "system:serviceaccount:${namespace}:conveyor" cannot get resource "pods/log" in API group "" in the namespace "${namespace}"`,
      );
    }
    const containers = this.pods.get(pod);
    if (!containers) return status(res, 404, "NotFound", `pods "${pod}" not found`);
    const names = [...containers.keys()];
    if (q.get("container") === null && names.length > 1)
      return status(res, 400, "BadRequest", `a container name must be specified for pod ${pod}, choose one of: [${names.join(" ")}]`);
    const container = q.get("container") ?? names[0]!;
    const log = containers.get(container);
    if (log === undefined) return status(res, 400, "BadRequest", `container ${container} is not valid for pod ${pod}`);
    const follow = q.get("follow") === "true";
    if (follow && log.state === "waiting")
      return status(res, 400, "BadRequest", `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating`);
    const since = q.get("sinceTime");
    if (since !== null && Number.isNaN(Date.parse(since))) return status(res, 400, "BadRequest", `sinceTime: invalid value "${since}"`);
    const timestamps = q.get("timestamps") === "true";
    let lines = since === null ? log.lines : log.lines.filter((l) => l.time.slice(0, 19) >= new Date(since).toISOString().slice(0, 19));
    const tailLines = q.get("tailLines");
    if (tailLines !== null) lines = lines.slice(Math.max(0, lines.length - Number(tailLines)));
    let out = Buffer.from(lines.map((l) => render(l, timestamps)).join(""));
    const limitBytes = q.get("limitBytes");
    if (limitBytes !== null) out = out.subarray(0, Number(limitBytes));
    if (!follow || log.state === "terminated") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      return void res.end(out);
    }
    res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
    res.flushHeaders();
    if (out.length > 0) res.write(out);
    const f = { res, timestamps };
    log.followers.add(f);
    res.on("close", () => log.followers.delete(f));
  }

  private container(pod: string, name: string, state: ContainerLog["state"]): ContainerLog {
    const containers = this.pods.get(pod) ?? new Map<string, ContainerLog>();
    this.pods.set(pod, containers);
    let log = containers.get(name);
    if (!log) containers.set(name, (log = { lines: [], state, followers: new Set() }));
    return log;
  }

  /** RFC3339Nano with 9 fixed digits (the kubelet's format); this clock has milliseconds, a counter fills the rest. */
  private logTime(): string {
    const iso = new Date().toISOString();
    return `${iso.slice(0, 23)}${String(++this.logTick % 1_000_000).padStart(6, "0")}Z`;
  }

  private watch(res: ServerResponse, selector: Record<string, string>, from: number): void {
    if (this.refuseWatches) return status(res, 503, "ServiceUnavailable", "apiserver is restarting");
    if (from < this.compactedAt && this.goneAs === "http") return status(res, 410, "Expired", `too old resource version: ${from}`);
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    res.flushHeaders();
    if (from < this.compactedAt) {
      res.end(
        JSON.stringify({
          type: "ERROR",
          object: {
            kind: "Status",
            apiVersion: "v1",
            status: "Failure",
            reason: "Expired",
            code: 410,
            message: `too old resource version: ${from} (${this.compactedAt})`,
          },
        }) + "\n",
      );
      return;
    }
    for (const e of this.history) if (e.rv > from && matches(e.object, selector)) send(res, e.type, e.object);
    const w: Watcher = { res, selector };
    this.watchers.add(w);
    res.on("close", () => this.watchers.delete(w));
  }
}

/** A double serving a whole suite: listening from beforeAll, closed in afterAll. */
export function suiteKubeApiDouble(): KubeApiDouble {
  const k8s = new KubeApiDouble();
  beforeAll(() => k8s.listen());
  afterAll(() => k8s.close());
  return k8s;
}

function send(res: ServerResponse, type: EventType, object: ArgoWorkflow): void {
  res.write(JSON.stringify({ type, object }) + "\n");
}

function render(line: { time: string; text: string }, timestamps: boolean): string {
  return timestamps ? `${line.time} ${line.text}` : line.text;
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, { kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code });
}

function parseSelector(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(",")
      .filter(Boolean)
      .map((kv) => kv.split("=") as [string, string]),
  );
}

function matches(o: ArgoWorkflow, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v);
}

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === "object" && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
