// An archived run through the API, on both stores: run(id) (its tasks, attempts and events),
// the runEvents subscription's replay, the runs list's archived filter and REST GET .../state answer as
// they did before it was archived, with archivedAt set; resumeRun refuses it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeKinds } from "../support/databases.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { collect, startTestServer, type TestServer } from "./support/server.js";

const kinds = await storeKinds();

const RUN = `query($id: ID!) { run(id: $id) {
  id status total succeeded failed archivedAt
  tasks(first: 10) { totalCount edges { node { taskId status attempts { number status error stdoutTail } } } }
  events(first: 100) { totalCount edges { node { seq type taskId } } }
} }`;
const EVENTS = `subscription($runId: ID!) { runEvents(runId: $runId, untilFinished: true) { seq type taskId } }`;
type Ev = { runEvents: { seq: number; type: string } };

describe.each(kinds)("an archived run through the API (%s)", (kind) => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer(kind);
  }, 60_000);
  afterAll(() => s?.close());

  const seen = async (id: string) => {
    const answer = await s.gql(RUN, { id });
    expect(answer.body.errors).toBeUndefined();
    const run = answer.body.data.run;
    const replay = collect<Ev>(s.ws(), EVENTS, { runId: id }, (items) => items.at(-1)?.runEvents.type === "run.finished");
    const events = await replay.done;
    expect(replay.errors).toEqual([]);
    const rest = await fetch(`${s.url}/api/workflows/${id}/state`);
    expect(rest.status).toBe(200);
    return { run, events: events.map((e) => e.runEvents), rest: (await rest.json()) as Record<string, unknown> };
  };

  it("reads back as it did, with archivedAt set, and is listed under archived", async () => {
    s.tasks.set("t2", () => {
      throw new Error("t2 fails");
    });
    const { runId: id } = await s.app.engine.startRun({
      source: inlineSource(["t1", "t2", "t3", "t4"]),
      options: { executor: "fn", force: true, retry: { retryLimit: 1, baseDelayMs: 0 } },
    });
    await s.app.engine.waitForRun(id);
    const before = await seen(id);
    expect(before.run.archivedAt).toBeNull();
    expect(before.rest.archived_at).toBeNull();
    expect(before.run.tasks.edges.some((e: { node: { attempts: unknown[] } }) => e.node.attempts.length === 2)).toBe(true);

    expect((await s.app.retention.archiveRun(id, "test")).kind).toBe("archived");
    const after = await seen(id);
    expect(after.run.archivedAt).toEqual(expect.any(String));
    expect(after.rest.archived_at).toBe(after.run.archivedAt);
    expect({ ...after.run, archivedAt: null }).toEqual(before.run);
    expect(after.events).toEqual(before.events);
    expect(after.events.map((e) => e.seq)).toEqual(Array.from({ length: after.events.length }, (_, i) => i + 1));
    expect({ ...after.rest, archived_at: null, updated_at: null }).toEqual({ ...before.rest, updated_at: null });

    const list = async (archived: boolean) =>
      (await s.gql(`query($a: Boolean) { runs(archived: $a) { totalCount edges { node { id } } } }`, { a: archived })).body.data.runs;
    expect(await list(true)).toEqual({ totalCount: 1, edges: [{ node: { id } }] });
    expect((await list(false)).edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(id);

    const resumed = await s.gql(`mutation($id: ID!) { resumeRun(runId: $id) { __typename ... on ApiError { message } } }`, { id });
    expect(resumed.body.data.resumeRun).toEqual({ __typename: "InvalidTransition", message: `cannot resume run ${id}: it is archived` });
  });
});
