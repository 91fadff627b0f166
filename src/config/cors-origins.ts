// The CORS allow-list setting: origins only (scheme://host[:port]), never a pattern,
// "*" or "null", since an allowed origin is trusted like the server's own page.

/** The allow-list from its setting: comma-separated origins (scheme://host[:port]). Throws naming the first entry that is not one. */
export function parseCorsOrigins(text: string | undefined, setting = "CONVEYOR_CORS_ORIGINS"): string[] {
  const entries = (text ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  return entries.map((entry) => {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      // reported below
    }
    const bare =
      url && /^https?:$/.test(url.protocol) && (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash && !url.username;
    if (!url || !bare) {
      throw new Error(
        `${setting ? `${setting}: ` : ""}${JSON.stringify(entry)} is not an origin; list origins as scheme://host[:port], e.g. https://app.example.com,http://127.0.0.1:5173 ("*" and "null" are not accepted)`,
      );
    }
    return url.origin;
  });
}
