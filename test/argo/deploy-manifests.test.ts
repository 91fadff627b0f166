// Everything under deploy/ parses; Argo objects are structurally sound (validation
// against Argo's full schema, with the Kubernetes definitions it embeds, is in
// test-corpus/); Kubernetes objects carry the fields their API requires; kustomizations list
// files that exist; the pieces reference each other consistently.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { workflowShapeErrors } from "./workflow-shape.js";

type Doc = Record<string, any>;
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
const yamlFiles = files("deploy").filter((f) => /\.ya?ml$/.test(f));
const docs: { file: string; doc: Doc }[] = yamlFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(file, "utf8")).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
    return { file, doc: d.toJS() as Doc };
  }),
);
const objects = docs.filter((d) => d.doc.kind !== "Kustomization");
const byKind = (kind: string) => objects.filter((d) => d.doc.kind === kind).map((d) => d.doc);

/** Paths that must be present, per kind (the API server refuses the object otherwise). */
const REQUIRED: Record<string, string[]> = {
  Deployment: ["spec.selector.matchLabels", "spec.template.metadata.labels", "spec.template.spec.containers"],
  Service: ["spec.ports", "spec.selector"],
  ServiceAccount: [],
  Role: ["rules"],
  RoleBinding: ["roleRef.kind", "roleRef.name", "roleRef.apiGroup", "subjects"],
  ConfigMap: [],
  Namespace: [],
  PodDisruptionBudget: ["spec.selector"],
  Job: ["spec.template.spec.containers", "spec.template.spec.restartPolicy"],
  ServiceMonitor: ["spec.selector", "spec.endpoints"],
  PrometheusRule: ["spec.groups"],
};
const at = (o: Doc, path: string) => path.split(".").reduce<any>((v, k) => v?.[k], o);

/** Fields of a core/v1 Container and what each must be (the ones a typo or a wrong type would break). */
const CONTAINER_FIELDS: Record<string, "string" | "array" | "object"> = {
  name: "string",
  image: "string",
  imagePullPolicy: "string",
  command: "array",
  args: "array",
  env: "array",
  envFrom: "array",
  ports: "array",
  resources: "object",
  volumeMounts: "array",
  livenessProbe: "object",
  readinessProbe: "object",
  startupProbe: "object",
  securityContext: "object",
  workingDir: "string",
};
const POD_SECURITY_FIELDS = ["runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "seccompProfile", "supplementalGroups"];

function containerErrors(c: Doc): string[] {
  const errors: string[] = [];
  for (const [k, v] of Object.entries(c)) {
    const kind = CONTAINER_FIELDS[k];
    if (!kind) errors.push(`unknown container field ${k}`);
    else if (kind === "array" ? !Array.isArray(v) : typeof v !== kind || Array.isArray(v))
      errors.push(`${k} must be ${kind === "array" ? "an array" : `a ${kind}`}`);
  }
  for (const [i, e] of (c.env ?? []).entries())
    if (typeof e.name !== "string" || ("value" in e && typeof e.value !== "string"))
      errors.push(`env[${i}] needs a name and a string value`);
  for (const [i, p] of (c.ports ?? []).entries())
    if (!Number.isInteger(p.containerPort)) errors.push(`ports[${i}].containerPort must be an integer`);
  for (const [k, v] of Object.entries({ ...c.resources?.requests, ...c.resources?.limits }))
    if (typeof v !== "string" && typeof v !== "number") errors.push(`resources ${k} must be a quantity`);
  return errors;
}

describe("deploy/", () => {
  it("parses, and every object has apiVersion, kind and metadata.name", () => {
    expect(yamlFiles.length).toBeGreaterThanOrEqual(15);
    for (const { file, doc } of objects) {
      expect(doc.apiVersion, file).toBeTruthy();
      expect(doc.kind, file).toBeTruthy();
      expect(doc.metadata?.name, file).toBeTruthy();
    }
  });

  it("Argo objects are structurally sound", () => {
    const argo = objects.filter((d) => String(d.doc.apiVersion).startsWith("argoproj.io/"));
    expect(argo.map((d) => d.doc.kind)).toEqual(["WorkflowTemplate"]);
    for (const { doc } of argo) expect(workflowShapeErrors(doc)).toEqual([]);
  });

  it("Kubernetes objects carry their required fields; containers have image, resources, probes where served", () => {
    for (const { file, doc } of objects.filter((d) => !String(d.doc.apiVersion).startsWith("argoproj.io/"))) {
      const required = REQUIRED[doc.kind];
      expect(required, `${file}: unexpected kind ${doc.kind}`).toBeDefined();
      for (const path of required!) expect(at(doc, path), `${file}: ${path}`).toBeDefined();
      const pod = at(doc, "spec.template.spec");
      for (const k of Object.keys(pod?.securityContext ?? {})) expect(POD_SECURITY_FIELDS, `${file}: securityContext.${k}`).toContain(k);
      for (const c of pod?.containers ?? []) {
        expect(containerErrors(c), file).toEqual([]);
        expect(c.name && c.image, file).toBeTruthy();
        expect(c.resources?.requests && c.resources?.limits, file).toBeTruthy();
      }
    }
    const [deployment] = byKind("Deployment");
    expect(deployment!.spec.replicas).toBe(2);
    const server = deployment!.spec.template.spec.containers[0];
    expect([server.readinessProbe.httpGet.path, server.livenessProbe.httpGet.path]).toEqual(["/readyz", "/healthz"]);
    expect(deployment!.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    const refs = server.envFrom.map((e: Doc) => e.configMapRef?.name ?? e.secretRef?.name);
    expect(refs).toEqual(["conveyor-config", "conveyor-secrets"]);
  });

  it("selectors, bindings and references agree", () => {
    const [deployment] = byKind("Deployment");
    const podLabels = deployment!.spec.template.metadata.labels;
    const selects = (sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => podLabels[k] === v);
    expect(selects(deployment!.spec.selector.matchLabels)).toBe(true);
    expect(selects(byKind("Service")[0]!.spec.selector)).toBe(true);
    expect(selects(byKind("PodDisruptionBudget")[0]!.spec.selector.matchLabels)).toBe(true);
    const roles = new Set(byKind("Role").map((r) => r.metadata.name));
    const accounts = new Set(byKind("ServiceAccount").map((r) => r.metadata.name));
    for (const b of byKind("RoleBinding")) {
      expect(roles.has(b.roleRef.name)).toBe(true);
      for (const s of b.subjects) expect(accounts.has(s.name)).toBe(true);
    }
    const conveyorRole = byKind("Role").find((r) => r.metadata.name === "conveyor")!;
    const wfRule = conveyorRole.rules.find((r: Doc) => r.resources.includes("workflows"));
    expect(wfRule.verbs).toEqual(expect.arrayContaining(["create", "get", "list", "watch", "patch", "delete"]));
    expect(conveyorRole.rules.some((r: Doc) => r.resources.includes("configmaps"))).toBe(true);
    // failed attempts' log tails
    expect(
      conveyorRole.rules.some((r: Doc) => r.apiGroups.includes("") && r.resources.includes("pods/log") && r.verbs.includes("get")),
    ).toBe(true);
    expect(accounts.has(deployment!.spec.template.spec.serviceAccountName)).toBe(true);
    const template = byKind("WorkflowTemplate")[0]!;
    expect(accounts.has(template.spec.serviceAccountName)).toBe(true);
    expect(byKind("ConfigMap").some((c) => c.metadata.name === "conveyor-memo-cache")).toBe(true);
    const job = byKind("Job")[0]!;
    expect(job.spec.template.spec.containers[0].command).toEqual(["npx", "prisma", "migrate", "deploy"]);
    const alerts = byKind("PrometheusRule")[0]!.spec.groups.flatMap((g: Doc) => g.rules.map((r: Doc) => r.alert));
    expect(alerts).toEqual([
      "ConveyorRunFailed",
      "ConveyorRunStalled",
      "ConveyorTaskFailureRateHigh",
      "ConveyorSlowRecovery",
      "ConveyorDegraded",
      "ConveyorWebhookBacklogGrowing",
      "ConveyorWebhookDeadLetters",
    ]);
    // the degraded alert reads the gauge /readyz keeps, by its reason label
    const degraded = byKind("PrometheusRule")[0]!
      .spec.groups.flatMap((g: Doc) => g.rules)
      .find((r: Doc) => r.alert === "ConveyorDegraded");
    expect(degraded.expr).toContain("conveyor_degraded");
    // the webhook alerts read the gauges and counter src/notifications/metrics.ts defines
    const rules = byKind("PrometheusRule")[0]!.spec.groups.flatMap((g: Doc) => g.rules);
    const backlog = rules.find((r: Doc) => r.alert === "ConveyorWebhookBacklogGrowing");
    expect(backlog.expr).toContain("conveyor_webhook_oldest_pending_seconds");
    expect(backlog.expr).toContain("conveyor_webhook_pending");
    expect(rules.find((r: Doc) => r.alert === "ConveyorWebhookDeadLetters").expr).toContain(
      'conveyor_webhook_deliveries_total{outcome="dead"}',
    );
  });

  it("kustomizations list resources and files that exist", () => {
    const kustomizations = docs.filter((d) => d.doc.kind === "Kustomization");
    expect(kustomizations.map((k) => k.file).sort()).toEqual([
      "deploy/argo/kustomization.yaml",
      "deploy/base/kustomization.yaml",
      "deploy/overlays/example/kustomization.yaml",
    ]);
    for (const { file, doc } of kustomizations) {
      const listed = [...(doc.resources ?? []), ...(doc.secretGenerator ?? []).flatMap((g: Doc) => g.envs ?? [])];
      for (const r of listed) expect(existsSync(join(dirname(file), r)), `${file}: ${r}`).toBe(true);
    }
  });
});

const kubectl = (() => {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!kubectl)("kubectl kustomize deploy/overlays/example", () => {
  it("builds; generated Secret names are wired into the Deployment and the Job", () => {
    const built = parseAllDocuments(execFileSync("kubectl", ["kustomize", "deploy/overlays/example"], { encoding: "utf8" })).map(
      (d) => d.toJS() as Doc,
    );
    expect(built.every((o) => o.metadata.namespace === "conveyor" || o.kind === "Namespace")).toBe(true);
    const secret = built.find((o) => o.kind === "Secret")!;
    expect(secret.metadata.name).toMatch(/^conveyor-secrets-/);
    const deployment = built.find((o) => o.kind === "Deployment")!;
    expect(deployment.spec.template.spec.containers[0].envFrom[1].secretRef.name).toBe(secret.metadata.name);
    expect(deployment.spec.template.spec.containers[0].image).toBe("registry.example.com/conveyor:0.1.0");
    const template = built.find((o) => o.kind === "WorkflowTemplate")!;
    expect(workflowShapeErrors(template)).toEqual([]);
  });
});

describe("Dockerfile", () => {
  const text = readFileSync("Dockerfile", "utf8");
  it("is multi-stage on node:22-slim, production deps only, generated client, non-root, healthcheck, serve", () => {
    expect(text.match(/^FROM node:22-slim AS \w+/gm)!.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/npm ci --omit=dev/);
    expect(text).toMatch(/npm run generate/);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK /m);
    expect(text).toMatch(/^CMD \["serve"\]$/m);
  });
});
