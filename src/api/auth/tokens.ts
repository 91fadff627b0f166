// Bearer tokens, configured as sha256 hashes (never in clear): CONVEYOR_API_TOKENS
// holds "name:scope+scope:sha256hex" entries separated by commas, and/or
// CONVEYOR_API_TOKENS_FILE a JSON array of {name, scopes, sha256}.
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { ANONYMOUS, OPEN, type Principal, type Scope } from "./principal.js";

export interface TokenEntry {
  name: string;
  scopes: Scope[];
  sha256: string;
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function parseTokenEntries(text: string): TokenEntry[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, scopes, sha256] = entry.split(":");
      if (!name || !scopes || !sha256) throw new Error(`token entry "${entry}": expected name:scopes:sha256hex`);
      return checked({ name, scopes: scopes.split("+") as Scope[], sha256 });
    });
}

function checked(e: TokenEntry): TokenEntry {
  if (!/^[0-9a-f]{64}$/i.test(e.sha256)) throw new Error(`token "${e.name}": sha256 must be 64 hex digits`);
  for (const s of e.scopes) if (s !== "read" && s !== "write") throw new Error(`token "${e.name}": unknown scope "${s}"`);
  return { ...e, sha256: e.sha256.toLowerCase() };
}

export function tokensFromEnv(env: NodeJS.ProcessEnv = process.env): TokenEntry[] {
  const list = env.CONVEYOR_API_TOKENS ? parseTokenEntries(env.CONVEYOR_API_TOKENS) : [];
  if (env.CONVEYOR_API_TOKENS_FILE) {
    const data = JSON.parse(readFileSync(env.CONVEYOR_API_TOKENS_FILE, "utf8")) as TokenEntry[];
    list.push(...data.map(checked));
  }
  return list;
}

/** Resolves an Authorization header: OPEN without tokens, else the token's principal or null (401). */
export class TokenAuthenticator {
  private readonly byHash: Map<string, Principal>;

  constructor(entries: TokenEntry[]) {
    this.byHash = new Map(entries.map((e) => [e.sha256, { name: e.name, scopes: new Set(e.scopes) }]));
  }

  get enabled(): boolean {
    return this.byHash.size > 0;
  }

  authenticate(header: string | null | undefined): Principal | null {
    if (!this.enabled) return OPEN;
    if (!header) return ANONYMOUS;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return null;
    const hash = Buffer.from(hashToken(m[1]!), "hex");
    // compare in constant time against each hash, so timing says nothing about near misses
    for (const [h, p] of this.byHash) if (timingSafeEqual(Buffer.from(h, "hex"), hash)) return p;
    return null;
  }
}
