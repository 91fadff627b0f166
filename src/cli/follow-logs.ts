// Follows a task's live log on a Conveyor server through its taskLogs
// subscription over graphql-ws (what `conveyor logs --follow` does): the
// lines so far, then live lines until the attempt ends. Each line goes to
// `write` with its stream; lines the server dropped because this client fell
// behind are reported as one notice on stderr.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const TASK_LOGS = `subscription ($runId: ID!, $taskId: String!, $attempt: Int, $after: Int) {
  taskLogs(runId: $runId, taskId: $taskId, attempt: $attempt, after: $after) { seq stream text dropped } }`;

export interface FollowTaskLogsInput {
  /** The server's base URL (http or https; its /graphql is used unless a path is given). */
  server: string;
  token?: string;
  runId: string;
  taskId: string;
  /** Default: the task's latest attempt. */
  attempt?: number;
  /** Only lines after this sequence number (to resume). */
  after?: number;
  write: (text: string, stream: "stdout" | "stderr") => void;
  /** Stops following (the promise then resolves with what was seen). */
  signal?: AbortSignal;
}

export interface FollowedLog {
  lines: number;
  dropped: number;
  /** The last sequence number seen: pass it as `after` to go on from there. */
  last: number;
}

interface Item {
  seq: number;
  stream: "STDOUT" | "STDERR" | null;
  text: string | null;
  dropped: number | null;
}

/** The graphql-ws URL of a server given as http(s)://host[:port][/path]. */
export function graphqlWsUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`server: not a URL: "${server}"`);
  }
  if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) throw new Error(`server: use an http or https URL, not "${server}"`);
  url.protocol = url.protocol === "https:" || url.protocol === "wss:" ? "wss:" : "ws:";
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/graphql";
  return url.toString();
}

export async function followTaskLogs(input: FollowTaskLogsInput): Promise<FollowedLog> {
  if (input.attempt !== undefined && (!Number.isInteger(input.attempt) || input.attempt < 1)) {
    throw new Error(`attempt: must be a whole number of at least 1, not ${input.attempt}`);
  }
  const client = createClient({
    url: graphqlWsUrl(input.server),
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    ...(input.token ? { connectionParams: { authorization: `Bearer ${input.token}` } } : {}),
  });
  const seen: FollowedLog = { lines: 0, dropped: 0, last: input.after ?? 0 };
  try {
    await new Promise<void>((resolve, reject) => {
      const stop = client.subscribe<{ taskLogs: Item }>(
        {
          query: TASK_LOGS,
          variables: {
            runId: input.runId,
            taskId: input.taskId,
            after: input.after ?? 0,
            ...(input.attempt !== undefined ? { attempt: input.attempt } : {}),
          },
        },
        {
          next: (r) => {
            if (r.errors?.length) return reject(new Error(r.errors.map((e) => e.message).join("; ")));
            const item = r.data?.taskLogs;
            if (!item) return;
            seen.last = item.seq;
            if (item.dropped !== null) {
              seen.dropped += item.dropped;
              input.write(`[conveyor: ${item.dropped} line${item.dropped === 1 ? "" : "s"} dropped]\n`, "stderr");
            } else {
              seen.lines++;
              input.write(`${item.text}\n`, item.stream === "STDERR" ? "stderr" : "stdout");
            }
          },
          error: (e) => reject(connectionError(e, input.server)),
          complete: () => resolve(),
        },
      );
      input.signal?.addEventListener(
        "abort",
        () => {
          stop();
          resolve();
        },
        { once: true },
      );
    });
    return seen;
  } finally {
    await client.dispose();
  }
}

function connectionError(e: unknown, server: string): Error {
  if (Array.isArray(e)) return new Error(e.map((x: { message?: string }) => x.message ?? String(x)).join("; "));
  if (e instanceof Error) return new Error(`cannot reach ${server}: ${e.message}`);
  const reason = (e as { reason?: string; code?: number })?.reason;
  const code = (e as { code?: number })?.code;
  // 1006: closed with no close frame, as when nothing listens there (graphql-ws reports it as a close event)
  if (code === undefined || code === 1006) return new Error(`cannot reach ${server}${reason ? `: ${reason}` : ""}`);
  return new Error(`connection to ${server} closed (${code}${reason ? `: ${reason}` : ""})`);
}
