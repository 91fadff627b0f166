// Argo's official JSON schema (draft 2020-12, every $ref inside its
// `definitions`), compiled once with ajv, and a validator per object kind.
// Loaded on first use, so a missing corpus only skips the suites that need it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";
import { ARGO_CORPUS } from "./shared.js";

let compiled: { ajv: Ajv2020; id: string } | undefined;
function schema(): { ajv: Ajv2020; id: string } {
  if (compiled) return compiled;
  const json = JSON.parse(readFileSync(join(ARGO_CORPUS, "schema.json"), "utf8")) as { $id: string };
  // formats such as int64 are descriptive in this schema; unknown keywords are Kubernetes extensions
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(json);
  compiled = { ajv, id: json.$id };
  return compiled;
}

const validators = new Map<string, ValidateFunction>();

/** Validates against io.argoproj.workflow.v1alpha1.<kind>; returns the errors, empty when valid. */
export function argoErrors(kind: string, object: unknown): string[] {
  return schemaErrors(`io.argoproj.workflow.v1alpha1.${kind}`, object);
}

/** Validates against any definition of the schema, e.g. io.k8s.api.core.v1.Container. */
export function schemaErrors(definition: string, object: unknown): string[] {
  let v = validators.get(definition);
  if (!v) {
    const { ajv, id } = schema();
    v = ajv.getSchema(`${id}#/definitions/${definition}`);
    if (!v) throw new Error(`no definition ${definition}`);
    validators.set(definition, v);
  }
  return v(object) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
