// Live task logs on a real server (port 0, real store) running real local
// processes: taskLogs over graphql-ws shows a running task's lines before it
// ends, in order, stdout and stderr told apart, then completes; an ended
// attempt gives its stored tail; `after` resumes; bad input is refused by
// name. The REST endpoint with and without follow; a slow consumer gets a
// dropped marker, never a silent gap; the CLI's followTaskLogs.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskLogStream, type LogItem } from "../../src/api/live/task-log-stream.js";
import { taskLogTarget } from "../../src/api/live/task-log-target.js";
import { RunService } from "../../src/api/run-service.js";
import { followTaskLogs } from "../../src/cli/follow-logs.js";
import { runConveyor } from "../support/conveyor-process.js";
import { postgresReachable, tempDir } from "../support/databases.js";
import { eventually } from "../support/engine.js";
import { collect, START, startTestServer, type TestServer } from "./support/server.js";

const LOGS = `subscription ($runId: ID!, $taskId: String!, $attempt: Int, $after: Int) {
  taskLogs(runId: $runId, taskId: $taskId, attempt: $attempt, after: $after) { seq stream text dropped } }`;
type Item = { taskLogs: LogItem };

/** Prints out i on stdout and err i on stderr, five times, 250 ms apart. */
const TALKER = `for i in 1 2 3 4 5; do echo "out $i"; sleep 0.05; echo "err $i" >&2; sleep 0.2; done`;
const talked = () =>
  [1, 2, 3, 4, 5].flatMap((i) => [
    ["STDOUT", `out ${i}`],
    ["STDERR", `err ${i}`],
  ]);

const kind = (await postgresReachable()) ? "postgres" : "pglite";

describe(`task logs (${kind})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
    // Prisma plans a query shape on its first use, holding the event loop for a moment (seconds on a busy machine)
    await s.app.engine.store.listAttempts("warm-up", 0);
  });
  afterAll(() => s.close());

  async function start(command: string, id = "talk") {
    const r = await s.gql(START, {
      input: { inline: [{ id, dependencies: [], command }], options: { executor: "local", force: true, retry: { retryLimit: 0 } } },
    });
    expect(r.body.errors ?? r.body.data.startRun.__typename).toBe("StartRunPayload");
    return r.body.data.startRun.run.id as string;
  }

  const attemptEnded = async (runId: string) => {
    await s.app.engine.waitForRun(runId);
    return Date.now();
  };

  it("streams a running task's lines before it ends, in order, stdout and stderr apart, and completes when it ends", async () => {
    const runId = await start(TALKER);
    const arrived: number[] = [];
    const sub = collect<Item>(s.ws(), LOGS, { runId, taskId: "talk" }, () => arrived.push(Date.now()) < 0);
    const items = await sub.done;
    const ended = await attemptEnded(runId);
    expect(sub.errors).toEqual([]);
    const lines = items.map((i) => i.taskLogs);
    expect(lines.map((l) => [l.stream, l.text])).toEqual(talked());
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(lines.every((l) => l.dropped === null)).toBe(true);
    // the first line came long before the task's end (it prints for 1.25 s)
    expect(ended - arrived[0]!).toBeGreaterThan(400);
  });

  it("gives an ended attempt's stored tail (stdout's lines, then stderr's), and only what follows `after`", async () => {
    const runId = await start(TALKER);
    await s.app.engine.waitForRun(runId);
    const all = await collect<Item>(s.ws(), LOGS, { runId, taskId: "talk", attempt: 1 }).done;
    expect(all.map((i) => i.taskLogs.text)).toEqual([
      "out 1",
      "out 2",
      "out 3",
      "out 4",
      "out 5",
      "err 1",
      "err 2",
      "err 3",
      "err 4",
      "err 5",
    ]);
    expect(all.map((i) => i.taskLogs.stream)).toEqual([...Array(5).fill("STDOUT"), ...Array(5).fill("STDERR")]);
    const rest = await collect<Item>(s.ws(), LOGS, { runId, taskId: "talk", after: 7 }).done;
    expect(rest.map((i) => [i.taskLogs.seq, i.taskLogs.text])).toEqual([
      [8, "err 3"],
      [9, "err 4"],
      [10, "err 5"],
    ]);
  });

  it("joined mid-run: the lines so far first, then the live ones, each once", async () => {
    const runId = await start(TALKER.replace("sleep 0.2", "sleep 0.6"));
    let soFar = "";
    await eventually(async () => {
      soFar = await (await fetch(`${s.url}/api/workflows/${runId}/tasks/talk/logs`)).text();
      return soFar.startsWith("out 1\nerr 1\n");
    });
    const items = await collect<Item>(s.ws(), LOGS, { runId, taskId: "talk" }).done;
    // it was joined while running (the stored tail would have all of stdout first)
    expect(soFar.split("\n").length).toBeLessThan(10);
    expect(items.map((i) => [i.taskLogs.stream, i.taskLogs.text])).toEqual(talked());
  });

  it("refuses bad input by name", async () => {
    const runId = await start("echo hi", "one");
    await s.app.engine.waitForRun(runId);
    const error = async (vars: Record<string, unknown>) => {
      const sub = collect<Item>(s.ws(), LOGS, { runId, taskId: "one", ...vars });
      const items = await sub.done;
      expect(items).toEqual([]);
      return JSON.stringify(sub.errors);
    };
    expect(await error({ taskId: "nope" })).toMatch(/nope/);
    expect(await error({ attempt: 0 })).toMatch(/attempt.*at least 1/);
    expect(await error({ attempt: 2 })).toMatch(/attempt 2 has not started/);
    expect(await error({ after: -1 })).toMatch(/after/);
    expect(await error({ runId: "no-such-run" })).toMatch(/no-such-run/);
  });

  it("REST: plain text without follow, a live stream with follow=1, clear errors", async () => {
    const runId = await start(TALKER);
    const res = await fetch(`${s.url}/api/workflows/${runId}/tasks/talk/logs?follow=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstAt = Date.now();
    let text = Buffer.from(first.value!).toString();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += Buffer.from(r.value).toString();
    const ended = await attemptEnded(runId);
    expect(text).toBe(
      talked()
        .map(([, t]) => `${t}\n`)
        .join(""),
    );
    expect(ended - firstAt).toBeGreaterThan(400);

    const stored = await fetch(`${s.url}/api/workflows/${runId}/tasks/talk/logs?attempt=1`);
    expect(await stored.text()).toBe("out 1\nout 2\nout 3\nout 4\nout 5\nerr 1\nerr 2\nerr 3\nerr 4\nerr 5\n");
    expect(stored.headers.get("x-conveyor-attempt")).toBe("1");

    const bad = async (path: string) => {
      const r = await fetch(`${s.url}/api/workflows/${path}`);
      return { status: r.status, body: (await r.json()) as { error: { message: string; field?: string } } };
    };
    expect(await bad(`${runId}/tasks/talk/logs?attempt=x`)).toMatchObject({ status: 400, body: { error: { field: "attempt" } } });
    expect(await bad(`${runId}/tasks/talk/logs?attempt=3`)).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/attempt 3 has not started/) } },
    });
    expect(await bad(`${runId}/tasks/talk/logs?follow=maybe`)).toMatchObject({ status: 400, body: { error: { field: "follow" } } });
    expect(await bad(`${runId}/tasks/nope/logs`)).toMatchObject({ status: 404 });
    expect(await bad(`nope/tasks/talk/logs`)).toMatchObject({ status: 404 });
    const post = await fetch(`${s.url}/api/workflows/${runId}/tasks/talk/logs`, { method: "POST" });
    expect(post.status).toBe(405);
  });

  it("a consumer that falls behind gets a dropped marker in place of the lines it missed", async () => {
    // 20,000 lines quickly, then a pause so the subscriber joins while it runs
    const runId = await start(`sleep 0.5; seq 1 20000; sleep 0.5`, "noisy");
    const target = await taskLogTarget(new RunService(s.app.engine), runId, "noisy");
    const stream = new TaskLogStream({ bus: s.app.engine.bus, store: s.app.engine.store }, target, { maxQueued: 100 });
    await s.app.engine.waitForRun(runId); // nothing taken meanwhile
    const items: LogItem[] = [];
    for await (const item of stream) items.push(item);
    const markers = items.filter((i) => i.dropped !== null);
    const lines = items.filter((i) => i.dropped === null);
    expect(markers.length).toBeGreaterThan(0);
    // every line is accounted for: delivered, or counted in a marker in its place
    expect(lines.length + markers.reduce((n, m) => n + m.dropped!, 0)).toBe(20_000);
    expect(lines.length).toBeLessThanOrEqual(101);
    let next = 1;
    for (const i of items) {
      if (i.dropped !== null) next += i.dropped;
      else expect([i.seq, i.text]).toEqual([next, String(next++)]);
    }
  });

  it("followTaskLogs (the CLI's logs --follow) writes a running task's lines to stdout and stderr until it ends", async () => {
    const runId = await start(TALKER);
    const out: [string, string][] = [];
    const followed = await followTaskLogs({ server: s.url, runId, taskId: "talk", write: (text, stream) => out.push([stream, text]) });
    expect(out).toEqual(talked().map(([st, t]) => [st!.toLowerCase(), `${t}\n`]));
    expect(followed).toEqual({ lines: 10, dropped: 0, last: 10 });
    await expect(followTaskLogs({ server: s.url, runId, taskId: "nope", write: () => undefined })).rejects.toThrow(/nope/);
    await expect(followTaskLogs({ server: "not a url", runId, taskId: "talk", write: () => undefined })).rejects.toThrow(
      /server: not a URL/,
    );
    await expect(followTaskLogs({ server: "http://127.0.0.1:1", runId, taskId: "talk", write: () => undefined })).rejects.toThrow(
      /127\.0\.0\.1:1/,
    );
  });

  it("conveyor logs --follow prints a running task's lines as they come, stdout and stderr apart, and exits 0 when it ends", async () => {
    // the task goes on past its first lines only once the test has seen them (at most 30 s), so
    // however slowly the command starts on a busy machine, a line is out while the task still runs
    const gate = join(tempDir(), "go");
    const waitGate = `n=0; while [ ! -f ${gate} ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n+1)); done`;
    const runId = await start(TALKER.replace("sleep 0.2; done", `sleep 0.2; [ $i = 1 ] && { ${waitGate}; }; done`));
    const cli = runConveyor(["logs", runId, "talk", "--follow", "--server", s.url]);
    await eventually(() => cli.stdoutSoFar().includes("out 1\n"), 30_000);
    expect(s.app.engine.isActive(runId)).toBe(true);
    writeFileSync(gate, "");
    const done = await cli;
    expect(done.code).toBe(0);
    expect(done.stdout).toBe(["out 1", "out 2", "out 3", "out 4", "out 5"].map((l) => `${l}\n`).join(""));
    expect(done.stderr).toBe(["err 1", "err 2", "err 3", "err 4", "err 5"].map((l) => `${l}\n`).join(""));
    const unreachable = await runConveyor(["logs", runId, "talk", "--follow", "--server", "http://127.0.0.1:1"]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/^error: --follow: cannot reach http:\/\/127\.0\.0\.1:1/);
    const noTask = await runConveyor(["logs", runId, "--follow", "--server", s.url]);
    expect(noTask.code).toBe(2);
    expect(noTask.stderr).toMatch(/^error: --follow needs a task/);
  }, 120_000);
});
