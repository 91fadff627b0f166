// Argo's own JSON schema (../shared/argo/schema.json) judges every Argo object
// Conveyor ships or generates, the Kubernetes parts of deploy/, and the Workflow
// status objects the default suite writes for itself; Argo's examples show the
// structural check of the default suite (test/argo/workflow-shape.ts) is never
// stricter than Argo.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { buildPlan } from "../src/core/plan.js";
import { inlineSource } from "../src/core/taskmaster/index.js";
import { buildWorkflow, DEFAULT_LIMITS, nextPart, workflowUnits } from "../src/executors/argo/workflow-builder.js";
import { generated, settings } from "../test/argo/fixtures.js";
import { workflowShapeErrors } from "../test/argo/workflow-shape.js";
import { argoErrors, schemaErrors } from "./argo-schema.js";
import { ARGO_CORPUS, argoCorpusFound, describeCorpus } from "./shared.js";

type Doc = Record<string, any>;
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
const yamlDocs = (file: string): Doc[] => parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS() as Doc);

describeCorpus(argoCorpusFound, "Argo's JSON schema", () => {
  describe("what Conveyor ships", () => {
    it("the multi-task-processor WorkflowTemplate validates", () => {
      expect(argoErrors("WorkflowTemplate", parse(readFileSync("deploy/argo/multi-task-processor.yaml", "utf8")))).toEqual([]);
    });

    it("every Argo object under deploy/ validates; pods' security contexts and containers match the Kubernetes definitions Argo's schema embeds", () => {
      const objects = files("deploy")
        .filter((f) => /\.ya?ml$/.test(f))
        .flatMap((file) => yamlDocs(file).map((doc) => ({ file, doc })));
      const argo = objects.filter((d) => String(d.doc.apiVersion).startsWith("argoproj.io/"));
      expect(argo.length).toBeGreaterThan(0);
      for (const { doc } of argo) expect(argoErrors(doc.kind, doc)).toEqual([]);
      let containers = 0;
      for (const { file, doc } of objects) {
        const pod = doc.spec?.template?.spec;
        if (pod?.securityContext) expect(schemaErrors("io.k8s.api.core.v1.PodSecurityContext", pod.securityContext), file).toEqual([]);
        for (const c of pod?.containers ?? []) {
          expect(schemaErrors("io.k8s.api.core.v1.Container", c), file).toEqual([]);
          containers++;
        }
      }
      expect(containers).toBeGreaterThan(0);
    });

    const kubectl = (() => {
      try {
        execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
        return true;
      } catch {
        return false;
      }
    })();
    it.skipIf(!kubectl)("the WorkflowTemplate as `kubectl kustomize deploy/overlays/example` builds it validates", () => {
      const built = parseAllDocuments(execFileSync("kubectl", ["kustomize", "deploy/overlays/example"], { encoding: "utf8" })).map(
        (d) => d.toJS() as Doc,
      );
      expect(
        argoErrors(
          "WorkflowTemplate",
          built.find((o) => o.kind === "WorkflowTemplate"),
        ),
      ).toEqual([]);
    });
  });

  describe("generated Workflows", () => {
    it.each([100, 1000])("validate for %i tasks, with every option that changes the object", (n) => {
      const { wf } = generated(n, {
        maxParallel: 8,
        continueOnError: true,
        taskTimeoutMs: 90_000,
        runTimeoutMs: 3_600_000,
        force: true,
        retry: { retryLimit: 4, baseDelayMs: 1500, maxDelayMs: 30_000 },
      });
      expect(argoErrors("Workflow", wf)).toEqual([]);
      expect(workflowShapeErrors(wf)).toEqual([]);
    });

    it("validate as the parts of a split run, and with tasks' own commands", () => {
      let rest = generated(1000).units;
      while (rest.length > 0) {
        const part = nextPart(rest, DEFAULT_LIMITS, (u) => buildWorkflow(u, settings()));
        expect(argoErrors("Workflow", buildWorkflow(part, settings({}, 2)))).toEqual([]);
        rest = rest.slice(part.length);
      }
      const units = workflowUnits(
        buildPlan(
          inlineSource([
            { id: "x", command: "make {id}" },
            { id: "y", dependencies: ["x"] },
          ]),
        ).units,
        () => 0,
      );
      expect(argoErrors("Workflow", buildWorkflow(units, settings({ command: "make all" })))).toEqual([]);
    });

    it("the schema and the structural check both refuse a parameter value that is not a string", () => {
      const wf = structuredClone(generated(3).wf) as Doc;
      wf.spec.templates[0].dag.tasks[0].arguments.parameters[2].value = 0;
      expect(argoErrors("Workflow", wf).length).toBeGreaterThan(0);
      expect(workflowShapeErrors(wf).length).toBeGreaterThan(0);
    });
  });

  describe("Argo's examples and the default suite's own objects", () => {
    const examples = readdirSync(join(ARGO_CORPUS, "examples"))
      .filter((f) => f.endsWith(".yaml"))
      .sort();
    it.each(examples)("examples/%s validates and passes the structural check", (file) => {
      const wf = parse(readFileSync(join(ARGO_CORPUS, "examples", file), "utf8")) as Doc;
      expect(argoErrors(wf.kind, wf)).toEqual([]);
      expect(workflowShapeErrors(wf)).toEqual([]);
    });

    // Argo's own status objects deviate from its schema in two ways (an integer retryStrategy.limit, where the
    // schema says IntOrString as a string; finishedAt null while running): the default suite's objects may
    // deviate in those ways only, so they stay as faithful as the real ones and no more lenient
    const kinds = (errors: string[]) =>
      new Set(errors.map((e) => e.replace(/\/templates\/\d+\//, "/templates/*/").replace(/\/nodes\/[^/]+\//, "/nodes/*/")));
    const real = readdirSync(ARGO_CORPUS).filter((f) => f.startsWith("status-") && f.endsWith(".yaml"));
    const owned = new URL("../test/fixtures/argo/", import.meta.url);
    it.each(
      readdirSync(owned)
        .filter((f) => f.endsWith(".yaml"))
        .sort(),
    )("test/fixtures/argo/%s is a Workflow as Argo's schema judges its real status objects", (file) => {
      const allowed = new Set(real.flatMap((f) => [...kinds(argoErrors("Workflow", parse(readFileSync(join(ARGO_CORPUS, f), "utf8"))))]));
      expect(allowed).toEqual(
        new Set([
          "/spec/templates/*/retryStrategy/limit must be string",
          "/status/finishedAt must be string",
          "/status/nodes/*/finishedAt must be string",
        ]),
      );
      const wf = parse(readFileSync(new URL(file, owned), "utf8")) as Doc;
      for (const kind of kinds(argoErrors("Workflow", wf))) expect(allowed).toContain(kind);
    });
  });
});
