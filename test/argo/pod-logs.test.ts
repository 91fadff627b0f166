// Reading a failed attempt's log tail through client-node against the API
// double's pods/log endpoint: the tail's end survives long lines, and a log
// that cannot be read leaves the outcome as it was.
import { beforeAll, describe, expect, it } from "vitest";
import type { ExecutionOutcome } from "../../src/engine/executor.js";
import { KubePodLogs } from "../../src/executors/argo/k8s-client.js";
import { readLogTail, withLogTail } from "../../src/executors/argo/pod-logs.js";
import { suiteKubeApiDouble } from "./k8s-api-double.js";

const failed: ExecutionOutcome = { ok: false, exitCode: 1, error: "argo failed: failed with exit code 1" };

describe("pod log tails", () => {
  const k8s = suiteKubeApiDouble();
  let logs: KubePodLogs;
  beforeAll(() => {
    logs = new KubePodLogs(k8s.kubeConfig(), "argo");
  });

  it("keeps the last 200 lines of the main container", async () => {
    k8s.writePodLog("p-lines", "wait", "executor noise\n");
    k8s.writePodLog("p-lines", "main", Array.from({ length: 500 }, (_, i) => `line ${i}\n`).join(""));
    const tail = await readLogTail(logs, "p-lines");
    expect(tail.split("\n").filter(Boolean)).toEqual(Array.from({ length: 200 }, (_, i) => `line ${i + 300}`));
  });

  it("long lines: the end of the log survives limitBytes (fewer lines asked for), within 64 KiB", async () => {
    const line = (i: number) => `${String(i).padStart(4, "0")} ${"x".repeat(2_000)}\n`;
    k8s.writePodLog("p-long", "main", Array.from({ length: 300 }, (_, i) => line(i)).join(""));
    const tail = await readLogTail(logs, "p-long");
    expect(tail.endsWith(line(299))).toBe(true);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(64 * 1024);
    expect(
      k8s.requests.filter((r) => r.startsWith("GET pods/p-long/log")).map((r) => new URLSearchParams(r.split("?")[1]).get("tailLines")),
    ).toEqual(["200", "10"]);
  });

  it("adds the tail to a failed outcome as stderrTail", async () => {
    k8s.writePodLog("p-fail", "main", "working\ncannot open /data: permission denied\n");
    const o = await withLogTail(failed, "p-fail", logs, { timeoutMs: 5_000, signal: new AbortController().signal, onError: () => {} });
    expect(o).toEqual({ ...failed, stderrTail: "working\ncannot open /data: permission denied\n" });
  });

  it.each([
    ["the pod is gone", () => {}, /404|not found/i],
    ["pods/log is forbidden", () => (k8s.forbidPodLogs = true), /403|forbidden/i],
  ])("%s: the outcome stays as it was and the error is reported", async (_, set, why) => {
    set();
    const errors: unknown[] = [];
    try {
      const o = await withLogTail(failed, "p-absent", logs, {
        timeoutMs: 5_000,
        signal: new AbortController().signal,
        onError: (e) => errors.push(e),
      });
      expect(o).toEqual(failed);
      expect(String(errors[0]) + JSON.stringify(errors[0])).toMatch(why);
    } finally {
      k8s.forbidPodLogs = false;
    }
  });

  it("an aborted attempt is handed on without asking for its log", async () => {
    const ac = new AbortController();
    ac.abort();
    const before = k8s.requests.length;
    expect(await withLogTail(failed, "p-fail", logs, { timeoutMs: 5_000, signal: ac.signal, onError: () => {} })).toEqual(failed);
    expect(k8s.requests.length).toBe(before);
  });
});
