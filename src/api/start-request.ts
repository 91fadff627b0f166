// GraphQL's StartRunInput as the one StartRunRequest (taskmaster-sync/start-request.ts),
// which every client's start passes through.
import type { StartRunRequest } from "../taskmaster-sync/start-request.js";

/**
 * GraphQL's StartRunInput as the request: GraphQL sends null for absent optional fields,
 * which go. Inline tasks are the client's own data and keep theirs.
 */
export function graphqlStartRequest(input: { [K in keyof StartRunRequest]?: StartRunRequest[K] | null }): StartRunRequest {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as StartRunRequest;
  return { ...given, options: withoutNulls(given.options ?? {}) };
}

/** The options schema wants absent fields absent, not null. */
function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
  }
  return value;
}
