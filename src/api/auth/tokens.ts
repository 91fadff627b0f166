// Bearer tokens, configured as sha256 hashes (never in clear): CONVEYOR_API_TOKENS
// holds "name:scope+scope:sha256hex" entries separated by commas, and/or
// CONVEYOR_API_TOKENS_FILE a JSON array of {name, scopes, sha256}.
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Settings } from "../../config.js";
import { checkedTokenEntry, parseTokenEntries, type TokenEntry } from "../../config/token-entries.js";
import { ANONYMOUS, OPEN, type Principal } from "./principal.js";

export { parseTokenEntries, type TokenEntry };

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** CONVEYOR_API_TOKENS (checked when the settings were parsed), then CONVEYOR_API_TOKENS_FILE's entries. */
export function tokensFromSettings(settings: Pick<Settings, "CONVEYOR_API_TOKENS" | "CONVEYOR_API_TOKENS_FILE">): TokenEntry[] {
  const list = [...(settings.CONVEYOR_API_TOKENS ?? [])];
  if (settings.CONVEYOR_API_TOKENS_FILE) {
    const data = JSON.parse(readFileSync(settings.CONVEYOR_API_TOKENS_FILE, "utf8")) as TokenEntry[];
    list.push(...data.map(checkedTokenEntry));
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
