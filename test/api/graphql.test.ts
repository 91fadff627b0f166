// Queries and mutations over real HTTP on a real store: starting runs, reading
// them back (tasks, attempts, checkpoints, events, progress, node), steering
// them, and every expected failure as its typed result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineTasks, START, startTestServer, type TestServer } from "./support/server.js";
import { eventually } from "../support/engine.js";
import { storeKinds } from "../support/databases.js";

const RUN = `query ($id: ID!) { run(id: $id) {
  id status total succeeded failed lastSeq options source { origin format selection }
  progress { percent total settled counts { succeeded failed pending } etaSeconds throughputPerSec }
  tasks(first: 2) { edges { cursor node { id taskId title status memoized attemptCount dependencies attempts { number status exitCode error } } } pageInfo { hasNextPage endCursor } }
  checkpoints { id checkpointId reason seq status }
  events(first: 3) { edges { cursor node { seq type taskId data at } } pageInfo { hasNextPage endCursor } }
} }`;

describe.each(await storeKinds())("GraphQL queries and mutations (%s)", (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(() => s.close());

  async function start(input: Record<string, unknown>) {
    // force: the memo cache would settle tasks that earlier tests ran
    const options = { executor: "fn", force: true, ...(input.options as object) };
    const r = await s.gql(START, { input: { ...input, options } });
    expect(r.status).toBe(200);
    return r.body.data!.startRun;
  }

  it("starts a run from inline tasks and reads it back in full", async () => {
    s.tasks.set("t2", () => ({ built: 2 }));
    const started = await start({
      inline: inlineTasks(4, true),
      selection: '["t1","t2","t3"]',
      options: { executor: "fn", maxParallel: 2 },
    });
    expect(started.__typename).toBe("StartRunPayload");
    const id = started.run.id;
    expect(started.run.total).toBe(3);
    await s.app.engine.waitForRun(id);
    const { body } = await s.gql(RUN, { id });
    expect(body.errors).toBeUndefined();
    const run = body.data.run;
    expect(run).toMatchObject({ id, status: "SUCCEEDED", total: 3, succeeded: 3, failed: 0 });
    expect(run.options.maxParallel).toBe(2);
    expect(run.source).toMatchObject({ origin: "inline", selection: '["t1","t2","t3"]' });
    expect(run.progress).toMatchObject({ percent: 100, total: 3, settled: 3, counts: { succeeded: 3, failed: 0, pending: 0 } });
    expect(run.tasks.edges.map((e: any) => e.node.taskId)).toEqual(["t1", "t2"]);
    expect(run.tasks.pageInfo.hasNextPage).toBe(true);
    expect(run.tasks.edges[1].node).toMatchObject({ id: `task:${id}/t2`, status: "SUCCEEDED", dependencies: ["t1"], attemptCount: 1 });
    expect(run.tasks.edges[1].node.attempts).toEqual([{ number: 1, status: "SUCCEEDED", exitCode: 0, error: null }]);
    expect(run.checkpoints.at(-1)).toMatchObject({ reason: "final", status: "SUCCEEDED" });
    expect(run.events.edges.map((e: any) => e.node.seq)).toEqual([1, 2, 3]);
    expect(run.events.edges[0].node.type).toBe("run.started");
    // the next page of events starts right after the cursor
    const next = await s.gql(
      `query ($id: ID!, $after: String) { run(id: $id) { events(first: 100, after: $after) { edges { node { seq } } pageInfo { hasNextPage } } } }`,
      {
        id,
        after: run.events.pageInfo.endCursor,
      },
    );
    const seqs = next.body.data.run.events.edges.map((e: any) => e.node.seq);
    expect(seqs[0]).toBe(4);
    expect(seqs.at(-1)).toBe(run.lastSeq);
    expect(next.body.data.run.events.pageInfo.hasNextPage).toBe(false);
    // node(id) finds runs, tasks and checkpoints by their global ids
    const cp = run.checkpoints.at(-1);
    const nodes = await s.gql(
      `query ($a: ID!, $b: ID!, $c: ID!) {
      a: node(id: $a) { __typename id } b: node(id: $b) { __typename ... on TaskRun { result } } c: node(id: $c) { __typename ... on Checkpoint { checkpointId } } }`,
      {
        a: id,
        b: `task:${id}/t2`,
        c: cp.id,
      },
    );
    expect(nodes.body.data).toEqual({
      a: { __typename: "Run", id },
      b: { __typename: "TaskRun", result: { built: 2 } },
      c: { __typename: "Checkpoint", checkpointId: cp.checkpointId },
    });
  });

  it("starts what Task Master calls ready, as `conveyor run --select ready` does", async () => {
    const inline = [
      { id: "a", status: "done" },
      { id: "b", dependencies: ["a"] },
      { id: "c", dependencies: ["b"] },
    ];
    const started = await start({ inline, selection: "ready" });
    expect(started.__typename).toBe("StartRunPayload");
    await s.app.engine.waitForRun(started.run.id);
    const run = (await s.gql(RUN, { id: started.run.id })).body.data.run;
    expect(run.source.selection).toBe("ready");
    expect(run.options).toMatchObject({ withDependencies: true });
    expect(run.total).toBe(1); // b alone: a is done in the file, c waits for b
    expect(run.succeeded).toBe(1);
  });

  it("filters tasks by status and lists runs newest first with paging", async () => {
    s.tasks.set("bad", () => {
      throw new Error("boom");
    });
    const started = await start({
      inline: [
        { id: "ok1", dependencies: [] },
        { id: "bad", dependencies: [] },
        { id: "after", dependencies: ["bad"] },
      ],
      options: { executor: "fn", continueOnError: true, retry: { retryLimit: 0 } },
    });
    const id = started.run.id;
    await s.app.engine.waitForRun(id);
    const failed = await s.gql(
      `query ($id: ID!) { run(id: $id) { status tasks(status: [FAILED, SKIPPED]) { edges { node { taskId status error attempts { status error } } } } } }`,
      { id },
    );
    expect(failed.body.data.run.status).toBe("COMPLETED_WITH_FAILURES");
    expect(failed.body.data.run.tasks.edges.map((e: any) => [e.node.taskId, e.node.status])).toEqual([
      ["bad", "FAILED"],
      ["after", "SKIPPED"],
    ]);
    expect(failed.body.data.run.tasks.edges[0].node.attempts[0]).toMatchObject({
      status: "FAILED",
      error: expect.stringContaining("boom"),
    });

    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await s.gql(
        `query ($after: String) { runs(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      all.push(...page.body.data.runs.edges.map((e: any) => e.node.id));
      if (!page.body.data.runs.pageInfo.hasNextPage) break;
      after = page.body.data.runs.pageInfo.endCursor;
    }
    expect(all[0]).toBe(id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(2);
    const filtered = await s.gql(`{ runs(status: [COMPLETED_WITH_FAILURES]) { edges { node { id } } } }`);
    expect(filtered.body.data.runs.edges.map((e: any) => e.node.id)).toEqual([id]);
    expect((await s.gql(`{ run(id: "nope") { id } }`)).body.data.run).toBeNull();
    for (const id of ["task:no-slash", "task:nope/t1", "checkpoint:nope", "nope"]) {
      const r = await s.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id });
      expect([id, r.status, r.body.data?.node ?? null]).toEqual([id, 200, null]);
    }
  });

  it("returns typed results for expected failures", async () => {
    expect(await start({ inline: inlineTasks(3), selection: "1-2,x" })).toMatchObject({
      __typename: "InvalidSelection",
      code: "INVALID_SELECTION",
      part: "x",
    });
    expect(await start({ inline: inlineTasks(3), taskIds: ["t1", "t9"] })).toMatchObject({ __typename: "UnknownTasks", ids: ["t9"] });
    expect(
      await start({
        inline: [
          { id: "a", dependencies: ["b"] },
          { id: "b", dependencies: ["a"] },
        ],
      }),
    ).toMatchObject({ __typename: "DependencyCycle", cycle: expect.arrayContaining(["a", "b"]) });
    expect(await start({ inline: inlineTasks(1), options: { executor: "fn", maxParallel: 0 } })).toMatchObject({
      __typename: "InvalidInput",
      field: "maxParallel",
      path: ["options", "maxParallel"],
    });
    expect(await start({ inline: inlineTasks(1), options: { executor: "fn", retry: { retryLimit: -1 } } })).toMatchObject({
      __typename: "InvalidInput",
      path: ["options", "retry", "retryLimit"],
    });
    expect(await start({ tasksFile: "/does/not/exist.json" })).toMatchObject({ __typename: "InvalidInput", field: "tasksFile" });
    expect(await start({})).toMatchObject({ __typename: "InvalidInput", field: "source" });
    expect(await start({ inline: inlineTasks(1), options: { executor: "nope" } })).toMatchObject({
      __typename: "InvalidInput",
      field: "executor",
    });
    // Task Master's words, as the CLI takes them: nothing ready is an empty selection
    const allDone = [
      { id: "d1", status: "done" },
      { id: "d2", status: "done" },
    ];
    expect(await start({ inline: allDone, selection: "ready" })).toMatchObject({ __typename: "EmptySelection", code: "EMPTY_SELECTION" });

    const ctl = (m: string, args: string) =>
      s.gql(`mutation { ${m}(${args}) { __typename ... on ApiError { code message } ... on InvalidTransition { from action } } }`);
    const missing = await ctl("pauseRun", `runId: "00000000-0000-0000-0000-000000000000"`);
    expect(missing.body.data.pauseRun.__typename).toBe("RunNotFound");
    const done = await start({ inline: inlineTasks(2) });
    await s.app.engine.waitForRun(done.run.id);
    const resume = await ctl("resumeRun", `runId: "${done.run.id}"`);
    expect(resume.body.data.resumeRun).toMatchObject({ __typename: "InvalidTransition", from: "succeeded", action: "resume" });
    const retry = await ctl("retryTask", `runId: "${done.run.id}", taskId: "zz"`);
    expect(retry.body.data.retryTask.__typename).toBe("TaskNotFound");
  });

  it("pauses, checkpoints, resumes, cancels, retries and marks tasks", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    for (let i = 1; i <= 6; i++) s.tasks.set(`t${i}`, () => gate);
    const { run } = await start({ inline: inlineTasks(6), options: { executor: "fn", maxParallel: 2 } });
    const m = (q: string) => s.gql(`mutation { ${q} }`);
    await eventually(async () => (await s.app.engine.progress(run.id)).counts.running === 2);
    // pauseRun answers once the pause is committed (at once, or with the batch of the running tasks' ends)
    const pausing = m(`pauseRun(runId: "${run.id}") { __typename ... on RunPayload { run { status } } }`);
    setTimeout(release, 500);
    expect((await pausing).body.data.pauseRun).toEqual({ __typename: "RunPayload", run: { status: "PAUSED" } });
    // running tasks finish; nothing new starts
    await eventually(async () => (await s.app.engine.store.getRun(run.id))!.running === 0);
    const held = await s.gql(`query { run(id: "${run.id}") { status succeeded pending running } }`);
    expect(held.body.data.run).toEqual({ status: "PAUSED", succeeded: 2, pending: 4, running: 0 });
    const cp = await m(
      `checkpointRun(runId: "${run.id}") { __typename ... on CheckpointPayload { checkpoint { checkpointId reason status } } }`,
    );
    expect(cp.body.data.checkpointRun.checkpoint).toMatchObject({ status: "PAUSED" });
    const noCp = await m(
      `resumeRun(runId: "${run.id}", checkpointId: "nope") { __typename ... on CheckpointNotFound { runId checkpointId code } }`,
    );
    expect(noCp.body.data.resumeRun).toEqual({
      __typename: "CheckpointNotFound",
      runId: run.id,
      checkpointId: "nope",
      code: "CHECKPOINT_NOT_FOUND",
    });
    const resumed = await m(`resumeRun(runId: "${run.id}") { __typename ... on RunPayload { run { status } } }`);
    expect(resumed.body.data.resumeRun.__typename).toBe("RunPayload");
    await s.app.engine.waitForRun(run.id);
    const final = await s.gql(`query { run(id: "${run.id}") { status succeeded } }`);
    expect(final.body.data.run).toEqual({ status: "SUCCEEDED", succeeded: 6 });
    for (let i = 1; i <= 6; i++) s.tasks.delete(`t${i}`);

    // cancel a run that waits on a task
    let free!: () => void;
    s.tasks.set("t1", () => new Promise<void>((r) => (free = r)));
    const slow = await start({ inline: inlineTasks(3, true), options: { executor: "fn", cancelGraceMs: 0 } });
    await eventually(async () => (await s.app.engine.progress(slow.run.id)).counts.running === 1);
    const cancelled = await m(`cancelRun(runId: "${slow.run.id}", reason: "test") { __typename ... on RunPayload { run { id } } }`);
    expect(cancelled.body.data.cancelRun.__typename).toBe("RunPayload");
    free();
    expect((await s.app.engine.waitForRun(slow.run.id)).status).toBe("cancelled");
    s.tasks.delete("t1");

    // retry a failed task, then mark another one done
    let fail = true;
    s.tasks.set("t2", () => {
      if (fail) throw new Error("flaky");
      return "fine";
    });
    const flaky = await start({ inline: inlineTasks(3, true), options: { executor: "fn", retry: { retryLimit: 0 } } });
    expect((await s.app.engine.waitForRun(flaky.run.id)).status).toBe("failed");
    fail = false;
    const retried = await m(`retryTask(runId: "${flaky.run.id}", taskId: "t2") { __typename }`);
    expect(retried.body.data.retryTask.__typename).toBe("RunPayload");
    await eventually(async () => (await s.app.engine.store.getRun(flaky.run.id))!.status === "succeeded");

    fail = true;
    const marked = await start({ inline: inlineTasks(3, true), options: { executor: "fn", retry: { retryLimit: 0 } } });
    expect((await s.app.engine.waitForRun(marked.run.id)).status).toBe("failed");
    const mark = await m(`markTask(runId: "${marked.run.id}", taskId: "t2", as: DONE) { __typename }`);
    expect(mark.body.data.markTask.__typename).toBe("RunPayload");
    await eventually(async () => (await s.app.engine.store.getRun(marked.run.id))!.succeeded === 3);
    const again = await m(
      `markTask(runId: "${marked.run.id}", taskId: "t2", as: SKIPPED) { __typename ... on InvalidTransition { from } }`,
    );
    expect(again.body.data.markTask).toEqual({ __typename: "InvalidTransition", from: "succeeded" });
  });

  it("times operations by their root field, whatever the client names them (a bounded set of series)", async () => {
    for (let i = 0; i < 3; i++)
      expect((await s.gql(`query Name${i}${Math.random().toString(36).slice(2)} { activeRuns { id } }`)).status).toBe(200);
    const series = (await s.metrics.operationDuration.get()).values.filter((v) => v.metricName?.endsWith("_count"));
    expect(series.find((v) => v.labels.operation === "activeRuns" && v.labels.type === "query")?.value).toBeGreaterThanOrEqual(3);
    expect(series.filter((v) => String(v.labels.operation).startsWith("Name"))).toEqual([]);
  });

  it("shows a local task's output tails, result, timings and progress, and memoized tasks on the next run", async () => {
    const command = `echo out {id}; echo err {id} >&2; echo '::conveyor result {"n": 7}'; sleep 0.3`;
    const inline = [
      { id: "o1", title: "first" },
      { id: "o2", title: "second", dependencies: ["o1"] },
    ];
    const TASK = `taskId status memoized result startedAt finishedAt durationMs attempts { status exitCode stdoutTail stderrTail startedAt finishedAt durationMs }`;
    const r = await s.gql(START, { input: { inline, options: { executor: "local", command, force: true } } });
    const id = r.body.data.startRun.run.id as string;
    // while o2 runs: it is listed with its elapsed time, and o1's duration gives an ETA
    await eventually(async () => (await s.app.engine.progress(id)).running.some((t) => t.id === "o2"));
    await new Promise((res) => setTimeout(res, 50));
    const mid = await s.gql(`query ($id: ID!) { run(id: $id) { progress { running { taskId elapsedMs } etaSeconds etaAt } } }`, { id });
    const p = mid.body.data.run.progress;
    expect(p.running).toEqual([{ taskId: "o2", elapsedMs: expect.any(Number) }]);
    expect(p.running[0].elapsedMs).toBeGreaterThan(0);
    expect(p.etaSeconds).toBeGreaterThan(0);
    expect(Date.parse(p.etaAt)).toBeGreaterThan(Date.now() - 1_000);
    await s.app.engine.waitForRun(id);
    const done = await s.gql(`query ($id: ID!) { run(id: $id) { tasks(first: 2) { edges { node { ${TASK} } } } } }`, { id });
    const first = done.body.data.run.tasks.edges[0].node;
    expect(first).toMatchObject({ taskId: "o1", status: "SUCCEEDED", memoized: false, result: { n: 7 } });
    expect(first.durationMs).toBeGreaterThanOrEqual(250);
    expect(Date.parse(first.finishedAt) - Date.parse(first.startedAt)).toBe(first.durationMs);
    expect(first.attempts).toEqual([
      expect.objectContaining({
        status: "SUCCEEDED",
        exitCode: 0,
        stdoutTail: 'out o1\n::conveyor result {"n": 7}\n',
        stderrTail: "err o1\n",
      }),
    ]);
    expect(first.attempts[0].durationMs).toBeGreaterThanOrEqual(250);

    const again = await s.gql(START, { input: { inline, options: { executor: "local", command } } });
    const id2 = again.body.data.startRun.run.id as string;
    await s.app.engine.waitForRun(id2);
    const cached = await s.gql(
      `query ($id: ID!) { run(id: $id) { memoized tasks(first: 2) { edges { node { taskId status memoized result attempts { number } } } } } }`,
      { id: id2 },
    );
    expect(cached.body.data.run.memoized).toBe(2);
    expect(cached.body.data.run.tasks.edges.map((e: any) => e.node)).toEqual([
      { taskId: "o1", status: "SUCCEEDED", memoized: true, result: { n: 7 }, attempts: [] },
      { taskId: "o2", status: "SUCCEEDED", memoized: true, result: { n: 7 }, attempts: [] },
    ]);
  });

  it("lists active runs", async () => {
    let free!: () => void;
    s.tasks.set("a1", () => new Promise<void>((r) => (free = r)));
    const { run } = await start({ inline: [{ id: "a1", dependencies: [] }] });
    await eventually(async () => (await s.app.engine.store.getRun(run.id))!.running === 1);
    const active = await s.gql(`{ activeRuns { id status } }`);
    expect(active.body.data.activeRuns).toContainEqual({ id: run.id, status: "RUNNING" });
    free();
    await s.app.engine.waitForRun(run.id);
    const after = await s.gql(`{ activeRuns { id } }`);
    expect(after.body.data.activeRuns.map((r: any) => r.id)).not.toContain(run.id);
  });
});
