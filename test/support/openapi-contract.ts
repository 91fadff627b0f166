// The committed openapi.json as a contract for answers: which path and method an
// answer belongs to, whether its status is listed there, whether its media type is,
// and whether its JSON body matches the schema (Ajv, 2020-12, formats checked, on
// the document dereferenced by json-schema-ref-parser). Used by every test through
// rest-contract-hook.ts, and directly by test/api/openapi-contract.test.ts.
import { readFileSync } from "node:fs";
import $RefParser from "@apidevtools/json-schema-ref-parser";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface Response {
  description: string;
  content?: Record<string, { schema: object }>;
}
interface Operation {
  responses: Record<string, Response>;
}
type PathItem = Record<string, Operation>;

export interface SeenAnswer {
  method: string;
  /** The pathname as sent (percent-encoded). */
  path: string;
  status: number;
  /** The content-type header, if any. */
  contentType: string | null;
  /** The body read as text, when it was read (JSON answers). */
  body?: string;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

export const openApiFile = new URL("../../openapi.json", import.meta.url);
const document = JSON.parse(readFileSync(openApiFile, "utf8")) as {
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, object> };
};
const dereferenced = (await $RefParser.dereference(structuredClone(document) as never)) as unknown as typeof document;

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true, strictTypes: false }));
const compiled = new Map<string, ValidateFunction>();
function validator(key: string, schema: object): ValidateFunction {
  let v = compiled.get(key);
  if (!v) compiled.set(key, (v = ajv.compile(schema)));
  return v;
}

const templates = Object.keys(dereferenced.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`),
}));

/** The documented path an answer belongs to; literal paths win over templated ones. */
function pathOf(path: string): string | undefined {
  const matches = templates.filter((t) => t.pattern.test(path));
  return (matches.find((t) => !t.template.includes("{")) ?? matches[0])?.template;
}

/** Statuses any path answers before it knows which operation is meant: auth, method, shutdown, bugs. */
const BEFORE_ROUTING = ["401", "403", "405", "500", "503"];

/** Whether answers on this path are REST answers that the document must describe. */
export const isContractPath = (path: string) => path.startsWith("/api/") || pathOf(path) !== undefined;

/** What is wrong with an answer by the document, or null when it conforms. */
export function contractProblem(a: SeenAnswer): string | null {
  const method = a.method.toLowerCase();
  if (method === "options" || !isContractPath(a.path)) return null; // CORS preflights are the transport's, not operations
  const where = `${a.method} ${a.path} -> ${a.status}`;
  const template = pathOf(a.path);
  const status = String(a.status);
  let response: Response | undefined;
  let key: string;
  if (template === undefined) {
    // an unknown path under /api: an error, as the document's description says
    if (!["401", "403", "404", "405", "413", "500", "503"].includes(status)) return `${where}: an undocumented path answered ${status}`;
    response = { description: "", content: { "application/json": { schema: dereferenced.components.schemas.Error! } } };
    key = `unknown ${status}`;
  } else {
    const item = dereferenced.paths[template]!;
    const op = item[method === "head" ? "get" : method];
    if (op) {
      response = op.responses[status] ?? op.responses[`${status[0]}XX`] ?? op.responses.default;
      key = `${template} ${method} ${status}`;
    } else {
      // a method the path does not take: what its operations answer before routing
      const ops = METHODS.map((m) => item[m]).filter((o): o is Operation => o !== undefined);
      response = BEFORE_ROUTING.includes(status) ? ops.find((o) => o.responses[status])?.responses[status] : undefined;
      key = `${template} other ${status}`;
      if (!response)
        return `${where}: ${a.method} is not an operation of ${template}, and ${status} is not what its other methods answer before routing`;
    }
    if (!response) return `${where}: status ${status} is not documented for ${method.toUpperCase()} ${template}`;
  }
  if (!response) return `${where}: no response`;
  const media = (a.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const content = response.content ?? {};
  if (Object.keys(content).length === 0) return media === "" ? null : `${where}: documented without a body, answered ${media}`;
  const documented = content[media];
  if (!documented) return `${where}: answered ${media || "no content type"}, documented ${Object.keys(content).join(", ")}`;
  if (a.body === undefined || method === "head" || !media.endsWith("json")) return null;
  let body: unknown;
  try {
    body = JSON.parse(a.body);
  } catch {
    return `${where}: the body is not JSON: ${a.body.slice(0, 200)}`;
  }
  const validate = validator(`${key} ${media}`, documented.schema);
  if (validate(body)) return null;
  return `${where}: the body does not match the document: ${ajv.errorsText(validate.errors, { separator: "; " })}; body: ${a.body.slice(0, 400)}`;
}
