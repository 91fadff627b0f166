// Argo's official JSON schema (draft 2020-12, every $ref inside its
// `definitions`), compiled once with ajv, and a validator per object kind.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";

export const ARGO_DIR = process.env.CONVEYOR_ARGO_SHARED ?? new URL("../../../shared/argo/", import.meta.url).pathname;

const schema = JSON.parse(readFileSync(`${ARGO_DIR}schema.json`, "utf8")) as { $id: string };
// formats such as int64 are descriptive in this schema; unknown keywords are Kubernetes extensions
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(schema);

const validators = new Map<string, ValidateFunction>();

/** Validates against io.argoproj.workflow.v1alpha1.<kind>; returns the errors, empty when valid. */
export function argoErrors(kind: string, object: unknown): string[] {
  return schemaErrors(`io.argoproj.workflow.v1alpha1.${kind}`, object);
}

/** Validates against any definition of the schema, e.g. io.k8s.api.core.v1.Container. */
export function schemaErrors(definition: string, object: unknown): string[] {
  let v = validators.get(definition);
  if (!v) {
    v = ajv.getSchema(`${schema.$id}#/definitions/${definition}`);
    if (!v) throw new Error(`no definition ${definition}`);
    validators.set(definition, v);
  }
  return v(object) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
