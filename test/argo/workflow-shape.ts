// Our own structural check of Argo objects (Workflow, WorkflowTemplate), for the
// suite the repository carries: what Argo's controller relies on and its schema
// would refuse, spelled out (names, references between templates and tasks,
// `depends` expressions, parameter values as strings, retryStrategy, labels).
// The check against Argo's full JSON schema is test-corpus/argo-schema.test.ts,
// which also runs this checker over Argo's own examples so it is never stricter than Argo.
type Obj = Record<string, any>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes label values: at most 63 characters, alphanumerics with -_. inside. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Template and DAG task names Argo accepts. */
const ARGO_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;
const TEMPLATE_TYPES = ["container", "script", "dag", "steps", "resource", "suspend", "http", "plugin", "containerSet", "data"];
/** A `depends` term: a task name, optionally with a result (.Succeeded, .Failed, ...). */
const DEPENDS_TERM =
  /^!?\(?\s*([a-zA-Z0-9][-a-zA-Z0-9]*)(\.(Succeeded|Failed|Errored|Skipped|Omitted|Daemoned|AnySucceeded|AllFailed))?\s*\)?$/;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isIntOrExpr = (v: unknown) => Number.isInteger(v) || (typeof v === "string" && v.length > 0);

function parameters(list: unknown, at: string, errors: string[], needValue: boolean): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) return void errors.push(`${at} must be an array`);
  const seen = new Set<string>();
  list.forEach((p, i) => {
    if (!isObj(p) || typeof p.name !== "string" || p.name === "") return void errors.push(`${at}[${i}].name must be a non-empty string`);
    if (seen.has(p.name)) errors.push(`${at}[${i}].name ${p.name} is repeated`);
    seen.add(p.name);
    if ("value" in p && typeof p.value !== "string") errors.push(`${at}[${i}] (${p.name}).value must be a string`);
    if (needValue && !("value" in p) && !("valueFrom" in p)) errors.push(`${at}[${i}] (${p.name}) has no value`);
  });
}

function retryStrategy(r: unknown, at: string, errors: string[]): void {
  if (r === undefined) return;
  if (!isObj(r)) return void errors.push(`${at} must be an object`);
  if (r.limit !== undefined && !isIntOrExpr(r.limit)) errors.push(`${at}.limit must be an integer or an expression`);
  if (r.retryPolicy !== undefined && !["Always", "OnFailure", "OnError", "OnTransientError"].includes(r.retryPolicy))
    errors.push(`${at}.retryPolicy ${r.retryPolicy} is unknown`);
  if (r.backoff !== undefined) {
    if (!isObj(r.backoff)) return void errors.push(`${at}.backoff must be an object`);
    for (const k of ["duration", "cap", "maxDuration"])
      if (r.backoff[k] !== undefined && typeof r.backoff[k] !== "string") errors.push(`${at}.backoff.${k} must be a string`);
    if (r.backoff.factor !== undefined && !isIntOrExpr(r.backoff.factor))
      errors.push(`${at}.backoff.factor must be an integer or an expression`);
  }
}

function dag(d: Obj, at: string, templates: Set<string>, local: boolean, errors: string[]): void {
  if (!Array.isArray(d.tasks) || d.tasks.length === 0) return void errors.push(`${at}.tasks must be a non-empty array`);
  if (d.failFast !== undefined && typeof d.failFast !== "boolean") errors.push(`${at}.failFast must be a boolean`);
  const names = new Set<string>();
  for (const [i, t] of (d.tasks as Obj[]).entries()) {
    const here = `${at}.tasks[${i}]`;
    if (typeof t.name !== "string" || !ARGO_NAME.test(t.name)) errors.push(`${here}.name ${String(t.name)} is not a valid task name`);
    else if (names.has(t.name)) errors.push(`${here}.name ${t.name} is repeated`);
    names.add(t.name);
    if (typeof t.template === "string") {
      if (local && !templates.has(t.template)) errors.push(`${here}.template ${t.template} is not a template of this object`);
    } else if (!isObj(t.templateRef) || typeof t.templateRef.name !== "string" || typeof t.templateRef.template !== "string") {
      errors.push(`${here} needs a template or a templateRef with name and template`);
    }
    if (t.depends !== undefined && t.dependencies !== undefined) errors.push(`${here} has both depends and dependencies`);
    parameters(t.arguments?.parameters, `${here}.arguments.parameters`, errors, true);
    if (t.continueOn !== undefined && !isObj(t.continueOn)) errors.push(`${here}.continueOn must be an object`);
  }
  // every task named in depends/dependencies exists, and the graph has no cycle
  const edges = new Map<string, string[]>();
  for (const [i, t] of (d.tasks as Obj[]).entries()) {
    const deps: string[] = [];
    if (t.dependencies !== undefined) deps.push(...(t.dependencies as string[]));
    if (typeof t.depends === "string") {
      for (const term of t.depends.split(/&&|\|\|/).map((s: string) => s.trim())) {
        const m = DEPENDS_TERM.exec(term);
        if (!m) errors.push(`${at}.tasks[${i}].depends: cannot read "${term}"`);
        else deps.push(m[1]!);
      }
    } else if (t.depends !== undefined) errors.push(`${at}.tasks[${i}].depends must be a string`);
    for (const dep of deps)
      if (!names.has(dep)) errors.push(`${at}.tasks[${i}] (${t.name}) depends on ${dep}, which is not a task of this DAG`);
    edges.set(t.name, deps);
  }
  const state = new Map<string, 1 | 2>();
  const visit = (n: string): boolean => {
    if (state.get(n) === 2) return false;
    if (state.get(n) === 1) return true;
    state.set(n, 1);
    const cyclic = (edges.get(n) ?? []).some(visit);
    state.set(n, 2);
    return cyclic;
  };
  if ([...edges.keys()].some(visit)) errors.push(`${at}: the tasks' dependencies form a cycle`);
}

/** What is wrong with an Argo Workflow or WorkflowTemplate; empty when its structure is sound. */
export function workflowShapeErrors(wf: Obj): string[] {
  const errors: string[] = [];
  if (wf.apiVersion !== "argoproj.io/v1alpha1") errors.push(`apiVersion ${String(wf.apiVersion)} is not argoproj.io/v1alpha1`);
  if (!["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"].includes(wf.kind))
    errors.push(`kind ${String(wf.kind)} is not an Argo workflow kind`);
  const m = wf.metadata;
  if (!isObj(m)) return [...errors, "metadata must be an object"];
  const name = m.name ?? (typeof m.generateName === "string" ? `${m.generateName}x` : undefined);
  if (typeof name !== "string" || !DNS_LABEL.test(name) || name.length > 253)
    errors.push(`metadata.name/generateName ${String(name)} is not a DNS name`);
  for (const group of ["labels", "annotations"]) {
    if (m[group] === undefined) continue;
    if (!isObj(m[group])) {
      errors.push(`metadata.${group} must be an object`);
      continue;
    }
    for (const [k, v] of Object.entries(m[group] as Obj)) {
      if (typeof v !== "string") errors.push(`metadata.${group}.${k} must be a string`);
      else if (group === "labels" && (v.length > 63 || !LABEL_VALUE.test(v)))
        errors.push(`metadata.labels.${k} "${v}" is not a valid label value`);
    }
  }
  const spec = wf.kind === "CronWorkflow" ? wf.spec?.workflowSpec : wf.spec;
  if (!isObj(spec)) return [...errors, "spec must be an object"];
  for (const k of ["parallelism", "activeDeadlineSeconds"]) {
    if (spec[k] !== undefined && !(Number.isInteger(spec[k]) && spec[k] >= 0)) errors.push(`spec.${k} must be a non-negative integer`);
  }
  parameters(spec.arguments?.parameters, "spec.arguments.parameters", errors, false);
  const templates: Obj[] = spec.templates ?? [];
  if (!Array.isArray(templates)) return [...errors, "spec.templates must be an array"];
  const names = new Set<string>();
  for (const [i, t] of templates.entries()) {
    if (typeof t.name !== "string" || !ARGO_NAME.test(t.name))
      errors.push(`spec.templates[${i}].name ${String(t.name)} is not a valid template name`);
    else if (names.has(t.name)) errors.push(`spec.templates[${i}].name ${t.name} is repeated`);
    names.add(t.name);
  }
  const local = spec.workflowTemplateRef === undefined;
  for (const ref of ["entrypoint", "onExit"]) {
    if (spec[ref] !== undefined && local && !names.has(spec[ref])) errors.push(`spec.${ref} ${spec[ref]} is not a template of this object`);
  }
  if (local && spec.entrypoint === undefined && wf.kind === "Workflow") errors.push("spec.entrypoint is missing");
  for (const [i, t] of templates.entries()) {
    const at = `spec.templates[${i}] (${t.name})`;
    const kinds = TEMPLATE_TYPES.filter((k) => t[k] !== undefined);
    if (kinds.length !== 1) errors.push(`${at} must have exactly one of ${TEMPLATE_TYPES.join(", ")}; has ${kinds.join(", ") || "none"}`);
    parameters(t.inputs?.parameters, `${at}.inputs.parameters`, errors, false);
    retryStrategy(t.retryStrategy, `${at}.retryStrategy`, errors);
    if (t.memoize !== undefined && (typeof t.memoize.key !== "string" || typeof t.memoize.cache?.configMap?.name !== "string")) {
      errors.push(`${at}.memoize needs a key and cache.configMap.name`);
    }
    for (const k of ["container", "script"])
      if (t[k] !== undefined && typeof t[k].image !== "string") errors.push(`${at}.${k}.image must be a string`);
    if (t.dag !== undefined) dag(t.dag, `${at}.dag`, names, local, errors);
    if (t.steps !== undefined) {
      if (!Array.isArray(t.steps) || !t.steps.every((g: unknown) => Array.isArray(g))) errors.push(`${at}.steps must be a list of lists`);
      else
        for (const [g, group] of (t.steps as Obj[][]).entries())
          for (const [j, s] of group.entries()) {
            if (typeof s.name !== "string" || !ARGO_NAME.test(s.name))
              errors.push(`${at}.steps[${g}][${j}].name ${String(s.name)} is not valid`);
            if (typeof s.template === "string" && local && !names.has(s.template))
              errors.push(`${at}.steps[${g}][${j}].template ${s.template} is not a template of this object`);
            parameters(s.arguments?.parameters, `${at}.steps[${g}][${j}].arguments.parameters`, errors, true);
          }
    }
  }
  return errors;
}
