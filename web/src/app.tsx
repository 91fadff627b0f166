// The page's frame: who the token is (the controls follow its scopes), the
// connection's state, and the route's page. With tokens configured and none
// given (or a refused one), it asks for a token first.
import { useEffect, useState } from "preact/hooks";
import { api, GraphqlFailure, type ConnectionState } from "./api.js";
import { onNavigate, parseRoute } from "./router.js";
import { RunPage } from "./run-page.js";
import { RunsList } from "./runs-list.js";
import { VIEWER } from "./queries.js";

interface Viewer {
  name: string;
  canWrite: boolean;
}

export function App() {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  const [state, setState] = useState<ConnectionState>(api.state);
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [needToken, setNeedToken] = useState(false);
  const [tokenVersion, setTokenVersion] = useState(0);
  useEffect(() => onNavigate(() => setRoute(parseRoute(location.pathname))), []);
  useEffect(() => api.onState(setState), []);
  useEffect(() => {
    setViewer(null);
    api
      .gql<{ viewer: Viewer }>(VIEWER)
      .then((d) => {
        setNeedToken(false);
        setViewer(d.viewer);
      })
      .catch((e) => setNeedToken(e instanceof GraphqlFailure && e.status === 401));
  }, [tokenVersion]);
  useEffect(() => {
    if (state === "unauthorized") setNeedToken(true);
  }, [state]);

  if (needToken) return <TokenForm refused={api.token !== null} onToken={(t) => (api.setToken(t), setTokenVersion((v) => v + 1))} />;
  return (
    <>
      <header class="top">
        <a href="/" class="brand">
          Conveyor
        </a>
        <span class={`conn conn-${state}`} role="status" data-testid="connection" data-state={state}>
          {state === "connected"
            ? "● live"
            : state === "reconnecting"
              ? "○ connection lost, reconnecting…"
              : state === "unauthorized"
                ? "token refused"
                : "○ connecting…"}
        </span>
        {viewer && (
          <span class="who">
            {viewer.name} · {viewer.canWrite ? "read and write" : "read only"}
            {api.token && (
              <button type="button" onClick={() => (api.setToken(null), setTokenVersion((v) => v + 1))}>
                Forget token
              </button>
            )}
          </span>
        )}
      </header>
      {!viewer ? (
        <main id="main">
          <p aria-busy="true">Connecting…</p>
        </main>
      ) : route.page === "runs" ? (
        <RunsList canWrite={viewer.canWrite} />
      ) : (
        <RunPage key={route.runId} runId={route.runId} taskId={route.taskId} canWrite={viewer.canWrite} />
      )}
    </>
  );
}

function TokenForm({ refused, onToken }: { refused: boolean; onToken(t: string): void }) {
  const [token, setToken] = useState("");
  return (
    <main id="main" class="token">
      <h1>Conveyor</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) onToken(token.trim());
        }}
      >
        <p>This server needs an API token. It is kept in this tab only (sessionStorage).</p>
        {refused && <p role="alert">The token was refused.</p>}
        <label>
          API token{" "}
          <input
            type="password"
            autoComplete="off"
            value={token}
            onInput={(e) => setToken((e.target as HTMLInputElement).value)}
            data-testid="token"
          />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
