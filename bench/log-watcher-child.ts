// Child of bench/live-logs.ts: a taskLogs subscriber in a process of its own, as a
// browser watching a task's log is on a machine of its own, so that the measured
// server's process does not also pay for the client's half of every message.
// BENCH_WS_URL, BENCH_RUN_ID, BENCH_TASK_ID: what to follow. Prints "READY" once connected, then, when the
// log ends, "RESULT {lines, dropped, markers}" (or "ERROR <message>").
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const { BENCH_WS_URL: url = "", BENCH_RUN_ID: runId, BENCH_TASK_ID: taskId } = process.env;
const LOGS = `subscription ($runId: ID!, $taskId: String!) { taskLogs(runId: $runId, taskId: $taskId) { seq text dropped } }`;
const counts = { lines: 0, dropped: 0, markers: 0 };
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
  on: { connected: () => console.log("READY") },
});
const finish = (line: string) => {
  console.log(line);
  void Promise.resolve(client.dispose()).finally(() => process.exit(0));
};
client.subscribe<{ taskLogs: { text: string | null; dropped: number | null } }>(
  { query: LOGS, variables: { runId, taskId } },
  {
    next: (r) => {
      if (r.errors) return finish(`ERROR ${JSON.stringify(r.errors)}`);
      const item = r.data!.taskLogs;
      if (item.dropped !== null) {
        counts.dropped += item.dropped;
        counts.markers++;
      } else counts.lines++;
    },
    error: (e) => finish(`ERROR ${e instanceof Error ? e.message : JSON.stringify(e)}`),
    complete: () => finish(`RESULT ${JSON.stringify(counts)}`),
  },
);
