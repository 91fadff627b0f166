// One spelling per id, so "03", 3 and " 3 " name the same task wherever they
// come from (a tasks file, a selection, an inline definition).

/**
 * Canonical form of an id: numbers as JavaScript prints them (3, 3.1), strings
 * trimmed, and every all-digit dot-separated part stripped of leading zeros
 * ("03.010" -> "3.10"). Slugs are otherwise kept as written.
 */
export function canonicalId(raw: string | number): string {
  if (typeof raw === "number") return String(raw);
  return raw
    .trim()
    .split(".")
    .map((part) => (/^\d+$/.test(part) ? part.replace(/^0+(?=\d)/, "") : part))
    .join(".");
}

/** A JSON path step: `a.b` for identifier-like keys, `a["odd key"]` otherwise. */
export function pathKey(base: string, key: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base ? `${base}.${key}` : key;
}

export function pathIndex(base: string, index: number): string {
  return `${base}[${index}]`;
}
