// API bearer tokens as configured: "name:scope+scope:sha256hex" entries, hashes
// only (never a token in clear). Checked here so a bad entry fails at start.

export interface TokenEntry {
  name: string;
  scopes: ("read" | "write")[];
  sha256: string;
}

export function parseTokenEntries(text: string): TokenEntry[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, scopes, sha256] = entry.split(":");
      if (!name || !scopes || !sha256) throw new Error(`token entry "${entry}": expected name:scopes:sha256hex`);
      return checkedTokenEntry({ name, scopes: scopes.split("+") as TokenEntry["scopes"], sha256 });
    });
}

export function checkedTokenEntry(e: TokenEntry): TokenEntry {
  if (!/^[0-9a-f]{64}$/i.test(e.sha256)) throw new Error(`token "${e.name}": sha256 must be 64 hex digits`);
  for (const s of e.scopes) if (s !== "read" && s !== "write") throw new Error(`token "${e.name}": unknown scope "${s}"`);
  return { ...e, sha256: e.sha256.toLowerCase() };
}
