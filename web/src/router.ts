// Deep links without a server round trip: /, /runs/<id>, /runs/<id>/tasks/<taskId>.
// The server answers each of those paths with the page (src/api/http/dashboard.ts).

export type Route = { page: "runs" } | { page: "run"; runId: string; taskId: string | null };

const decode = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a malformed escape: taken as written, and the server says there is no such run
  }
};

export function parseRoute(path: string): Route {
  const m = /^\/runs\/([^/]+)(?:\/tasks\/([^/]+))?\/?$/.exec(path);
  if (!m) return { page: "runs" };
  return { page: "run", runId: decode(m[1]!), taskId: m[2] ? decode(m[2]) : null };
}

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, "", path);
  for (const l of listeners) l();
}

export function onNavigate(f: () => void): () => void {
  listeners.add(f);
  window.addEventListener("popstate", f);
  return () => {
    listeners.delete(f);
    window.removeEventListener("popstate", f);
  };
}

/** Same-origin links navigate inside the page. */
export function interceptLinks(): void {
  document.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.("a");
    if (!a || a.target || a.origin !== location.origin) return;
    e.preventDefault();
    navigate(a.pathname + a.search);
  });
}
