// The API through the real clients its users take to it: Apollo Client 4
// (InMemoryCache with the generated possibleTypes and type policies), urql with
// graphcache (the generated schema and keys), graphql-ws, and graphql-sse in both
// of its modes. One scenario: runs with dependencies, followed live and after a
// reconnect, paged, paused, checkpointed, resumed from a checkpoint by its node id,
// cancelled, retried and marked, with typed errors on the way; at the end the
// caches must hold the final state with no field dropped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApolloClient, HttpLink, InMemoryCache, gql, split } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { createClient as createSseClient } from "graphql-sse";
import { possibleTypes, typePolicies } from "../../clients/apollo.js";
import { keys, resolvers, schema as graphcacheSchema } from "../../clients/graphcache.js";
import { collect, sleep, startTestServer, type TestServer } from "../api/support/server.js";

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer("pglite");
}, 60_000);

afterAll(async () => {
  await s?.close();
});

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await sleep(10);
  }
}

/** Until the engine lets the run go (settled or paused with nothing running). */
const settled = (runId: string) => s.app.engine.waitForRun(runId);

const START = /* GraphQL */ `
  mutation Start($input: StartRunInput!) {
    startRun(input: $input) {
      __typename
      ... on StartRunPayload { run { id status total progress { id runId percent } } }
      ... on ApiError { code message }
      ... on InvalidInput { field path }
    }
  }
`;

describe("Apollo Client 4 (InMemoryCache, generated possibleTypes)", () => {
  const ws = () => s.ws();
  let apollo: ApolloClient;

  beforeAll(() => {
    apollo = new ApolloClient({
      cache: new InMemoryCache({ possibleTypes, typePolicies }),
      link: split(
        ({ query }) => {
          const def = getMainDefinition(query);
          return def.kind === "OperationDefinition" && def.operation === "subscription";
        },
        new GraphQLWsLink(ws()),
        new HttpLink({ uri: `${s.url}/graphql` }),
      ),
    });
  });

  afterAll(() => apollo?.stop());

  it("starts, pauses, checkpoints, resumes from the checkpoint's node id, retries and marks; the cache ends SUCCEEDED at 100 % with every field", async () => {
    const slow = gate();
    let slowStarted = false;
    let axCalls = 0;
    s.tasks.set("a1", () => "a1");
    s.tasks.set("a2", async () => {
      slowStarted = true;
      await slow.opened;
      return "a2";
    });
    s.tasks.set("a3", () => "a3");
    s.tasks.set("ax", () => {
      if (++axCalls <= 2) throw new Error("not yet");
      return "ax";
    });
    s.tasks.set("ay", () => "ay");
    s.tasks.set("az", () => {
      throw new Error("always");
    });
    const inline = [
      { id: "a1" },
      { id: "a2", dependencies: ["a1"] },
      { id: "a3", dependencies: ["a2"] },
      { id: "ax" },
      { id: "ay", dependencies: ["ax"] },
      { id: "az" },
    ];

    // typed errors keep their interface fields (possibleTypes)
    const bad = await apollo.mutate<any>({ mutation: gql(START), variables: { input: { inline, options: { executor: "fn", maxParallel: 0 } } } });
    expect(bad.data.startRun).toMatchObject({ __typename: "InvalidInput", code: "INVALID_OPTION", field: "maxParallel", path: ["options", "maxParallel"] });
    expect(bad.data.startRun.message).toMatch(/maxParallel/);

    const started = await apollo.mutate<any>({
      mutation: gql(START),
      variables: { input: { inline, options: { executor: "fn", continueOnError: true, maxParallel: 2, retry: { retryLimit: 0 } } } },
    });
    const run = started.data.startRun.run;
    expect(started.data.startRun.__typename).toBe("StartRunPayload");
    expect(run.status).not.toBe("PENDING"); // answered once the start is recorded
    expect(run.progress).toMatchObject({ id: `progress:${run.id}`, runId: run.id });
    const runId: string = run.id;

    await eventually(() => slowStarted);
    const paused = await apollo.mutate<any>({
      mutation: gql`mutation ($runId: ID!) { pauseRun(runId: $runId) { __typename ... on RunPayload { run { id status } } ... on ApiError { code message } } }`,
      variables: { runId },
    });
    expect(paused.data.pauseRun.run.status).toBe("PAUSED");
    const cp = await apollo.mutate<any>({
      mutation: gql`mutation ($runId: ID!) { checkpointRun(runId: $runId) { __typename ... on CheckpointPayload { checkpoint { id checkpointId runId status } } } }`,
      variables: { runId },
    });
    const checkpoint = cp.data.checkpointRun.checkpoint;
    expect(checkpoint).toMatchObject({ id: `checkpoint:${checkpoint.checkpointId}`, runId, status: "PAUSED" });
    slow.open();

    const resumed = await apollo.mutate<any>({
      mutation: gql`mutation ($runId: ID!, $cp: ID) { resumeRun(runId: $runId, checkpointId: $cp) { __typename ... on RunPayload { run { id status } } ... on ApiError { code message } } }`,
      variables: { runId, cp: checkpoint.id }, // the checkpoint's own (node) id
    });
    expect(resumed.data.resumeRun).toMatchObject({ __typename: "RunPayload", run: { status: "RUNNING" } });
    await settled(runId);

    // the run completed with failures: ax failed again, az always fails
    const tasks: { taskId: string; status: string; id: string }[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await apollo.query({
        query: gql`query ($id: ID!, $after: String) { run(id: $id) { id status tasks(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id taskId status runId } } } } }`,
        variables: { id: runId, after },
        fetchPolicy: "network-only",
      });
      const conn = page.data.run.tasks;
      expect(conn.totalCount).toBe(6);
      tasks.push(...conn.edges.map((e: any) => e.node));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(tasks.map((t) => t.taskId)).toEqual(["a1", "a2", "a3", "ax", "ay", "az"]);
    expect(Object.fromEntries(tasks.map((t) => [t.taskId, t.status]))).toMatchObject({ a3: "SUCCEEDED", ax: "FAILED", ay: "SKIPPED", az: "FAILED" });
    const before: any = await apollo.query({ query: gql`query ($id: ID!) { run(id: $id) { id status progress { id runId percent } } }`, variables: { id: runId }, fetchPolicy: "network-only" });
    expect(before.data.run.status).toBe("COMPLETED_WITH_FAILURES");
    expect(before.data.run.progress.percent).toBe(100); // failed and skipped tasks ended too

    // mark az done, by its TaskRun id; an unknown task is a typed error with its fields
    const TASK_OP = (op: string) =>
      gql(`mutation ($runId: ID!, $taskId: String!) { ${op} { __typename ... on RunPayload { run { id status } } ... on ApiError { code message } ... on TaskNotFound { taskId } } }`);
    const missing = await apollo.mutate<any>({ mutation: TASK_OP("markTask(runId: $runId, taskId: $taskId, as: DONE)"), variables: { runId, taskId: "nope" } });
    expect(missing.data.markTask).toMatchObject({ __typename: "TaskNotFound", code: "TASK_NOT_FOUND", taskId: "nope" });
    expect(missing.data.markTask.message).toContain("nope");
    const az = tasks.find((t) => t.taskId === "az")!;
    const marked = await apollo.mutate<any>({ mutation: TASK_OP("markTask(runId: $runId, taskId: $taskId, as: DONE)"), variables: { runId, taskId: az.id } });
    expect(marked.data.markTask.__typename).toBe("RunPayload");
    await settled(runId);

    // retry ax by its TaskRun id while following progress: the snapshots reach the cached run
    const ax = tasks.find((t) => t.taskId === "ax")!;
    const progress = new Promise<number[]>((resolve, reject) => {
      const seen: number[] = [];
      apollo.subscribe({ query: gql`subscription ($runId: ID!) { runProgress(runId: $runId) { id runId percent } }`, variables: { runId } }).subscribe({
        next: (r: any) => seen.push(r.data.runProgress.percent),
        error: reject,
        complete: () => resolve(seen),
      });
    });
    await sleep(50);
    const retried = await apollo.mutate<any>({ mutation: TASK_OP("retryTask(runId: $runId, taskId: $taskId)"), variables: { runId, taskId: ax.id } });
    expect(retried.data.retryTask.__typename).toBe("RunPayload");
    await settled(runId);
    expect((await progress).at(-1)).toBe(100);

    // a settled run cannot be resumed: a typed error, code and message kept
    const refused = await apollo.mutate<any>({
      mutation: gql`mutation ($runId: ID!) { resumeRun(runId: $runId) { __typename ... on ApiError { code message } ... on InvalidTransition { from action } } }`,
      variables: { runId },
    });
    expect(refused.data.resumeRun).toMatchObject({ __typename: "InvalidTransition", code: "INVALID_TRANSITION", from: "succeeded", action: "resume" });
    expect(refused.data.resumeRun.message.length).toBeGreaterThan(0);

    // the run's events, typed, until the run's end: the subscription completes
    const events = await new Promise<any[]>((resolve, reject) => {
      const seen: any[] = [];
      apollo
        .subscribe({
          query: gql`subscription ($runId: ID!) { runEvents(runId: $runId, untilFinished: true) { runId seq type payload { __typename ... on RunFinished { status } ... on RunResumed { checkpointId } ... on TaskFailed { error } ... on TaskSucceeded { byHand } } } }`,
          variables: { runId },
        })
        .subscribe({ next: (r: any) => seen.push(r.data.runEvents), error: reject, complete: () => resolve(seen) });
    });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: "run.finished", payload: { __typename: "RunFinished", status: "SUCCEEDED" } });
    expect(events.filter((e) => e.type === "run.resumed")).toEqual([expect.objectContaining({ payload: { __typename: "RunResumed", checkpointId: checkpoint.checkpointId } })]);
    expect(events.find((e) => e.type === "task.failed")?.payload.error).toMatch(/not yet/);
    expect(events.find((e) => e.type === "task.succeeded" && e.payload.byHand)).toBeDefined();
    // nothing after a run.finished unless the run went on
    events.forEach((e, i) => {
      if (e.type === "run.finished" && i < events.length - 1) expect(["run.started", "run.resumed"]).toContain(events[i + 1].type);
    });

    // the cache: the run SUCCEEDED, its progress (updated by runProgress alone) at 100
    await apollo.query({ query: gql`query ($id: ID!) { run(id: $id) { id status } }`, variables: { id: runId }, fetchPolicy: "network-only" });
    const cached = apollo.cache.readFragment<any>({
      id: apollo.cache.identify({ __typename: "Run", id: runId }),
      fragment: gql`fragment Final on Run { id status progress { id runId percent } }`,
    });
    expect(cached).toMatchObject({ status: "SUCCEEDED", progress: { id: `progress:${runId}`, runId, percent: 100 } });
  });

  it("node() answers null for an id of a type without nodes, and finds a run's progress by its id", async () => {
    const r: any = await apollo.query({ query: gql`query { node(id: "Foo:1") { id } }`, fetchPolicy: "network-only" });
    expect(r.data.node).toBeNull();
    const started = await s.gql(START, { input: { inline: [{ id: "n1" }], options: { executor: "fn" } } });
    const runId: string = started.body.data.startRun.run.id;
    await settled(runId);
    const p: any = await apollo.query({
      query: gql`query ($id: ID!) { node(id: $id) { id ... on Progress { runId percent } } }`,
      variables: { id: `progress:${runId}` },
      fetchPolicy: "network-only",
    });
    expect(p.data.node).toEqual({ __typename: "Progress", id: `progress:${runId}`, runId, percent: 100 });
  });
});

describe("urql with graphcache (generated schema and keys)", () => {
  it("cancels: the answer is CANCELLING, the cache ends CANCELLED with the progress the run reached, no warning", async () => {
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    const wsClient = s.ws();
    const urql = new UrqlClient({
      url: `${s.url}/graphql`,
      exchanges: [
        cacheExchange({ schema: graphcacheSchema, keys, resolvers }),
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({ unsubscribe: wsClient.subscribe({ ...request, query: request.query ?? "" }, sink as never) }),
          }),
        }),
      ],
    });
    try {
      // b1 is a shell that takes 300 ms to stop when told to: the run stays CANCELLING meanwhile
      const command = `if [ {id} = b1 ]; then trap 'sleep 0.3; exit 1' TERM; while :; do sleep 0.05; done; fi`;
      const started = await urql
        .mutation(START, { input: { inline: [{ id: "b1" }, { id: "b2", dependencies: ["b1"] }, { id: "b3" }], options: { executor: "local", command, maxParallel: 2 } } })
        .toPromise();
      const runId: string = started.data.startRun.run.id;
      const status = async (id: string) => (await s.app.engine.store.loadUnits(runId)).find((u) => u.id === id)!.state.status;
      await eventually(async () => (await status("b3")) === "succeeded" && (await status("b1")) === "running");

      const changes: any[] = [];
      const sub = urql
        .subscription(`subscription { runsChanged { runId type run { id status progress { id runId percent } } } }`, {})
        .subscribe((r) => r.data && changes.push(r.data.runsChanged));
      await sleep(50);
      const cancelled = await urql
        .mutation(`mutation ($runId: ID!) { cancelRun(runId: $runId, reason: "enough") { __typename ... on RunPayload { run { id status reason } } ... on ApiError { code message } } }`, { runId })
        .toPromise();
      expect(cancelled.data.cancelRun).toMatchObject({ __typename: "RunPayload", run: { status: "CANCELLING", reason: "enough" } });
      // a resume while the run is cancelling is refused as such, a typed error with its fields
      const early = await urql
        .mutation(`mutation ($runId: ID!) { resumeRun(runId: $runId) { __typename ... on ApiError { code message } ... on InvalidTransition { from } } }`, { runId })
        .toPromise();
      expect(early.data.resumeRun).toMatchObject({ __typename: "InvalidTransition", code: "INVALID_TRANSITION", from: "cancelling" });
      await eventually(() => changes.some((c) => c.runId === runId && c.type === "run.finished"));
      sub.unsubscribe();

      const cached = urql.readQuery(`query ($id: ID!) { run(id: $id) { id status progress { id runId percent } } }`, { id: runId });
      expect(cached?.data.run).toMatchObject({ status: "CANCELLED", progress: { runId } });
      // one task of three ended on its own; the cancelled ones do not count
      expect(cached?.data.run.progress.percent).toBeCloseTo(100 / 3);

      const unknown = await urql
        .mutation(`mutation ($runId: ID!, $cp: ID) { resumeRun(runId: $runId, checkpointId: $cp) { __typename ... on ApiError { code message } ... on CheckpointNotFound { checkpointId } } }`, {
          runId,
          cp: "checkpoint:00000000-0000-0000-0000-000000000000",
        })
        .toPromise();
      expect(unknown.data.resumeRun).toMatchObject({ __typename: "CheckpointNotFound", code: "CHECKPOINT_NOT_FOUND" });
      expect(unknown.data.resumeRun.message.length).toBeGreaterThan(0);
      expect(warnings).toEqual([]);
    } finally {
      console.warn = warn;
    }
  });
});

describe("graphql-ws and graphql-sse", () => {
  async function gatedRun(prefix: string) {
    const g = gate();
    s.tasks.set(`${prefix}2`, () => g.opened.then(() => "ok"));
    const started = await s.gql(START, {
      input: { inline: [1, 2, 3, 4].map((i) => ({ id: `${prefix}${i}`, dependencies: i > 1 ? [`${prefix}${i - 1}`] : [] })), options: { executor: "fn" } },
    });
    return { runId: started.body.data.startRun.run.id as string, open: g.open };
  }

  const EVENTS = `subscription ($runId: ID!, $after: Int) { runEvents(runId: $runId, after: $after, untilFinished: true) { seq type payload { __typename } } }`;

  it("graphql-ws: a client that disconnects resumes with `after` and gets every event once, up to run.finished, then completion", async () => {
    const { runId, open } = await gatedRun("c");
    const first = collect<{ runEvents: { seq: number; type: string } }>(s.ws(), EVENTS, { runId, after: 0 }, (items) => items.some((i) => i.runEvents.type === "task.started"));
    const seen = (await first.done).map((i) => i.runEvents);
    open();
    const rest = collect<{ runEvents: { seq: number; type: string; payload: { __typename: string } } }>(s.ws(), EVENTS, { runId, after: seen.at(-1)!.seq });
    const all = [...seen, ...(await rest.done).map((i) => i.runEvents)]; // completes by itself
    expect(rest.errors).toEqual([]);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.at(-1)!.type).toBe("run.finished");
    expect(all.map((e) => e.type)).toContain("run.checkpoint"); // the final checkpoint comes before run.finished
  });

  for (const singleConnection of [false, true]) {
    it(`graphql-sse (${singleConnection ? "single connection" : "distinct connections"}): live events and progress of one run, both complete`, async () => {
      const { runId, open } = await gatedRun(singleConnection ? "s" : "d");
      const client = createSseClient({ url: `${s.url}/graphql/stream`, singleConnection, retryAttempts: 0 });
      try {
        const take = async (query: string) => {
          const out: any[] = [];
          for await (const r of client.iterate<any>({ query, variables: { runId } })) {
            expect(r.errors).toBeUndefined();
            out.push(r.data);
          }
          return out;
        };
        const events = take(EVENTS);
        const progress = take(`subscription ($runId: ID!) { runProgress(runId: $runId) { id runId percent } }`);
        await sleep(100);
        open();
        const [ev, pr] = await Promise.all([events, progress]);
        expect(ev.map((e) => e.runEvents.seq)).toEqual(ev.map((_, i) => i + 1));
        expect(ev.at(-1).runEvents).toMatchObject({ type: "run.finished", payload: { __typename: "RunFinished" } });
        expect(pr.at(-1).runProgress).toEqual({ id: `progress:${runId}`, runId, percent: 100 });
      } finally {
        client.dispose();
      }
    });
  }
});
