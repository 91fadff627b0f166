// Secrets as settings are shown: never in clear, a URL keeping all but its password.

export const HIDDEN = "****";

/** A URL with its password, and any query parameter that looks like one, hidden. */
export function maskUrl(text: string): string {
  if (!URL.canParse(text)) return text.replace(/\/\/([^/@:]*):[^/@]*@/, `//$1:${HIDDEN}@`);
  const u = new URL(text);
  if (u.password) u.password = HIDDEN;
  for (const key of [...u.searchParams.keys()]) if (/pass|secret|token|key/i.test(key)) u.searchParams.set(key, HIDDEN);
  return u.toString();
}
