// GraphiQL at GET /graphql (Accept: text/html). The page is
// @graphql-yoga/render-graphiql's: GraphiQL's scripts, styles and editor
// workers inlined in one HTML document, so it works offline and behind a
// policy that allows nothing but this server. The package (9 MB of
// JavaScript strings, 0.4 s and ~45 MB to load) is imported on the first
// request for the page, never at start; the page is built once per set of
// options and sent with a Content-Security-Policy that runs only its own
// inline script, by hash: the page is the same for every request, so a hash
// does what a per-request nonce would without rewriting 9 MB each time.
import { createHash } from "node:crypto";
import type { GraphiQLOptions, Plugin } from "graphql-yoga";

const RUN_QUERY = `# Runs, newest first. Open the Docs panel (the book icon) for every field.
query Runs {
  runs(first: 10) {
    edges { node { id status total succeeded failed createdAt } }
  }
}
`;

const START_RUN = `# Starts a run of the server's Task Master project (or pass tasksFile / inline).
mutation StartRun($input: StartRunInput!) {
  startRun(input: $input) {
    __typename
    ... on StartRunPayload { run { id status total } warnings }
  }
}
`;

const FOLLOW_RUN = `# Follows a run live over WebSocket: every event from the first, then new ones.
subscription FollowRun($runId: ID!) {
  runEvents(runId: $runId) { seq type taskId at }
}
`;

const PROGRESS = `# Progress snapshots of a run, the last one after it finished.
subscription Progress($runId: ID!) {
  runProgress(runId: $runId) { percent settled total etaSeconds }
}
`;

/** What GraphiQL opens with: example operations, one per tab, until the user's own tabs are stored. */
export const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: "Conveyor",
  subscriptionsProtocol: "WS",
  defaultQuery: RUN_QUERY,
  defaultTabs: [
    { query: RUN_QUERY },
    { query: START_RUN, variables: JSON.stringify({ input: { selection: "1-3", options: { maxParallel: 2 } } }, null, 2) },
    { query: FOLLOW_RUN, variables: JSON.stringify({ runId: "<a run id>" }, null, 2) },
    { query: PROGRESS, variables: JSON.stringify({ runId: "<a run id>" }, null, 2) },
  ],
  // the schema has input fields and arguments with deprecation reasons and a description
  inputValueDeprecation: true,
  schemaDescription: true,
};

interface Page {
  key: string;
  html: string;
  csp: string;
}

let page: Page | undefined;

async function build(options: GraphiQLOptions): Promise<Page> {
  const key = JSON.stringify(options);
  if (page?.key === key) return page;
  const { renderGraphiQL } = await import("@graphql-yoga/render-graphiql");
  const html = renderGraphiQL(options);
  const start = html.indexOf("<script>") + "<script>".length;
  const script = html.slice(start, html.indexOf("</script>", start));
  const hash = createHash("sha256").update(script).digest("base64");
  const csp = [
    "default-src 'self'",
    `script-src 'sha256-${hash}'`,
    // the editor's workers are built from blobs by that script
    "worker-src blob:",
    // the editor injects style elements as it goes: styles cannot be held to a hash
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  page = { key, html, csp };
  return page;
}

/** Yoga's renderGraphiQL: the bundled page, built once. */
export const renderConveyorGraphiQL = async (options: GraphiQLOptions): Promise<string> => (await build(options)).html;

/** Sends GraphiQL's page with its Content-Security-Policy. */
export function useGraphiqlPolicy(): Plugin {
  return {
    onResponse({ response }) {
      if (page && response.headers.get("content-type")?.startsWith("text/html")) response.headers.set("content-security-policy", page.csp);
    },
  };
}
