// Child of bench/live-logs.ts: a taskLogs subscriber in a process of its own, as a
// browser watching a task's log is on a machine of its own, so that the measured
// server's process does not also pay for the client's half of every message.
// BENCH_WS_URL, BENCH_RUN_ID, BENCH_TASK_ID: what to follow. Prints "READY" once connected, then, when the
// log ends, "RESULT {lines, dropped, markers}" (or "ERROR <message>").
import { follow, logClient } from "./log-follow.js";

const { BENCH_WS_URL: url = "", BENCH_RUN_ID: runId = "", BENCH_TASK_ID: taskId = "" } = process.env;
const counts = { lines: 0, dropped: 0, markers: 0 };
const client = logClient(url, { connected: () => console.log("READY") });
const finish = (line: string) => {
  console.log(line);
  void Promise.resolve(client.dispose()).finally(() => process.exit(0));
};
follow(client, runId, taskId, (item) => {
  if (item.dropped !== null) {
    counts.dropped += item.dropped;
    counts.markers++;
  } else counts.lines++;
}).then(
  () => finish(`RESULT ${JSON.stringify(counts)}`),
  (e: Error) => finish(`ERROR ${e.message}`),
);
