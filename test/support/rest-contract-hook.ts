// Every REST answer any test receives is checked against openapi.json: this file
// (a vitest setup file) wraps fetch, and for a request to a local server on a
// path the document covers (or any under /api), checks the answer's status, media
// type and, for JSON, body. A problem fails the request (fetch rejects with it)
// and, in case a test swallowed that, the test itself afterwards.
import { afterEach } from "vitest";

const realFetch = globalThis.fetch;
/** Loaded at the first REST answer, once: most test files never need it. */
let contract: Promise<typeof import("./openapi-contract.js")> | undefined;
const problems: string[] = [];
const LOCAL = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** The documented paths outside /api (the contract module knows them all; this spares loading it). */
const SERVICE_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

async function checked(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
  const res = await realFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  // cheap checks first: most fetches in the suite are GraphQL's
  if (!LOCAL.has(url.hostname) || !(url.pathname.startsWith("/api/") || SERVICE_PATHS.has(url.pathname))) return res;
  const { isContractPath, contractProblem } = await (contract ??= import("./openapi-contract.js"));
  if (!isContractPath(url.pathname)) return res;
  const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  const contentType = res.headers.get("content-type");
  // JSON answers are whole; a text answer may be a stream that never ends, so only its head is checked
  const body = contentType?.includes("json") ? await res.clone().text() : undefined;
  const problem = contractProblem({ method, path: url.pathname, status: res.status, contentType, ...(body !== undefined ? { body } : {}) });
  if (problem) {
    problems.push(problem);
    throw new Error(`openapi.json does not describe this answer: ${problem}`);
  }
  return res;
}

globalThis.fetch = checked as typeof fetch;

/** The problems seen so far, taken (for a test that provokes them on purpose). */
export const takeContractProblems = () => problems.splice(0);

afterEach(() => {
  if (problems.length === 0) return;
  const seen = problems.splice(0);
  throw new Error(`answers that openapi.json does not describe:\n${seen.join("\n")}`);
});
