// Who a request acts as. Scopes: read (queries, subscriptions, GET) and write
// (mutations, POST/PUT); write implies read.
export type Scope = "read" | "write";

export interface Principal {
  name: string;
  scopes: ReadonlySet<Scope>;
}

export const ANONYMOUS: Principal = { name: "anonymous", scopes: new Set() };
/** The principal of an open server (no tokens configured; loopback only). */
export const OPEN: Principal = { name: "local", scopes: new Set(["read", "write"]) };

export function can(p: Principal, scope: Scope): boolean {
  return p.scopes.has(scope) || (scope === "read" && p.scopes.has("write"));
}
