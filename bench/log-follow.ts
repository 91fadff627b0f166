// Following a task's log over graphql-ws, for the live-logs bench and its watcher child.
// It loads only the client, so the child, a process of its own as a browser is, stays light.
import { createClient, type Client, type ClientOptions } from "graphql-ws";
import WebSocket from "ws";

const LOGS = `subscription ($runId: ID!, $taskId: String!) { taskLogs(runId: $runId, taskId: $taskId) { seq text dropped } }`;

export type LogItem = { text: string | null; dropped: number | null };

/** A client of the server's graphql-ws endpoint at `wsUrl`, not retrying. */
export function logClient(wsUrl: string, on?: ClientOptions["on"]): Client {
  return createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, ...(on ? { on } : {}) });
}

/** Follows a task's log; resolves when it ends. `onItem` for each line or dropped-lines marker. */
export function follow(client: Client, runId: string, taskId: string, onItem: (item: LogItem) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    client.subscribe<{ taskLogs: LogItem }>(
      { query: LOGS, variables: { runId, taskId } },
      {
        next: (r) => (r.errors ? reject(new Error(JSON.stringify(r.errors))) : onItem(r.data!.taskLogs)),
        error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
        complete: () => resolve(),
      },
    );
  });
}
