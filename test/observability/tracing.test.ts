// Tracing with OpenTelemetry on both stores: the span tree of a run (attempts,
// a retry's backoff, commits, checkpoints, a failure), a caller's traceparent
// continued by the run, TRACEPARENT in a task process's environment.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SpanStatusCode } from "@opentelemetry/api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { OtelTracing } from "../../src/observability/otel-tracing.js";
import { storeKinds, tempDir } from "../support/databases.js";
import { eventually, openTestEngine, type TestEngine } from "../support/engine.js";
import type { CommitBatch } from "../../src/engine/store.js";

const kinds = await storeKinds();

const CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
const CALLER_SPAN = "b7ad6b7169203331";
const CALLER = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe.each(kinds)("run traces on %s", (kind) => {
  let t: TestEngine;
  const exporter = new InMemorySpanExporter();
  const tracing = new OtelTracing(exporter, "conveyor-test", true);
  beforeAll(async () => {
    t = await openTestEngine(kind, { tracer: tracing });
  });
  afterAll(async () => {
    await t?.close();
    await tracing.shutdown();
  });
  beforeEach(() => exporter.reset());

  const spansOf = (runId: string) => {
    const all = exporter.getFinishedSpans();
    const root = all.find((s) => s.name === "conveyor.run" && s.attributes["conveyor.run.id"] === runId);
    expect(root, "the run's root span").toBeDefined();
    return { root: root!, spans: all.filter((s) => s.spanContext().traceId === root!.spanContext().traceId) };
  };

  it("a span per attempt (numbered, with status), the retry's backoff, commits and checkpoints, and the failure as ERROR", async () => {
    const seen = new Map<string, string | undefined>();
    t.tasks.set("flaky", (req) => {
      seen.set(`flaky#${req.attempt}`, req.traceparent);
      if (req.attempt === 1) throw new Error("first try fails");
      return "ok";
    });
    t.tasks.set("broken", () => {
      throw new Error("always fails");
    });
    const source = inlineSource([
      { id: "flaky", title: "flaky" },
      { id: "broken", title: "broken" },
    ]);
    const { runId } = await t.engine.startRun({
      source,
      options: {
        executor: "fn",
        maxParallel: 2,
        continueOnError: true,
        checkpointInterval: 1,
        retry: { retryLimit: 1, baseDelayMs: 30, maxDelayMs: 30 },
      },
    });
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("completed_with_failures");
    await tracing.flush();
    const { root, spans } = spansOf(runId);
    expect(root.status.code).toBe(SpanStatusCode.ERROR);
    expect(root.attributes["conveyor.run.status"]).toBe("completed_with_failures");
    expect(parentOf(root)).toBeUndefined();
    const rootId = root.spanContext().spanId;

    const attempts = spans.filter((s) => s.name === "conveyor.attempt");
    const byKey = new Map(
      attempts.map((s) => [`${String(s.attributes["conveyor.task.id"])}#${String(s.attributes["conveyor.attempt"])}`, s]),
    );
    expect([...byKey.keys()].sort()).toEqual(["broken#1", "broken#2", "flaky#1", "flaky#2"]);
    for (const s of attempts) expect(parentOf(s)).toBe(rootId);
    expect(byKey.get("flaky#1")!.status.code).toBe(SpanStatusCode.ERROR);
    expect(byKey.get("flaky#1")!.status.message).toContain("first try fails");
    expect(byKey.get("flaky#1")!.attributes["conveyor.attempt.status"]).toBe("failed");
    expect(byKey.get("flaky#2")!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(byKey.get("flaky#2")!.attributes["conveyor.attempt.status"]).toBe("succeeded");
    expect(byKey.get("broken#2")!.status.code).toBe(SpanStatusCode.ERROR);
    expect(byKey.get("broken#2")!.status.message).toContain("always fails");
    // the executor was handed each attempt's own span
    const flaky2 = byKey.get("flaky#2")!.spanContext();
    expect(seen.get("flaky#2")).toBe(`00-${flaky2.traceId}-${flaky2.spanId}-01`);

    const backoffs = spans.filter((s) => s.name === "conveyor.backoff");
    expect(backoffs.map((s) => s.attributes["conveyor.task.id"]).sort()).toEqual(["broken", "flaky"]);
    for (const b of backoffs) {
      expect(parentOf(b)).toBe(rootId);
      const delay = Number(b.attributes["conveyor.backoff.delay_ms"]);
      // full jitter: drawn from [0, 30 ms], so 0 is a fair draw (1 in 30)
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(30);
      expect(b.attributes["conveyor.attempt"]).toBe(1);
      // the wait itself: from the failed attempt to the next one
      expect(hr(b.duration)).toBeGreaterThanOrEqual(delay - 1);
      const next = byKey.get(`${String(b.attributes["conveyor.task.id"])}#2`)!;
      expect(hr(next.startTime)).toBeGreaterThanOrEqual(hr(b.endTime) - 1);
    }

    const commits = spans.filter((s) => s.name === "conveyor.commit");
    expect(commits.length).toBeGreaterThan(0);
    // group commit: fewer commit spans than the transitions they carry
    const events = commits.reduce((n, s) => n + Number(s.attributes["conveyor.commit.events"]), 0);
    expect(commits.length).toBeLessThan(events);
    for (const c of commits) expect(parentOf(c)).toBe(rootId);
    const checkpoints = spans.filter((s) => s.name === "conveyor.checkpoint");
    expect(checkpoints.map((s) => s.attributes["conveyor.checkpoint.reason"])).toContain("final");
    const commitIds = new Set(commits.map((c) => c.spanContext().spanId));
    for (const c of checkpoints) expect(commitIds.has(parentOf(c)!)).toBe(true);
  });

  it("a resumed run goes on in its own trace: the new drive's run span is a child of the first one's", async () => {
    let fail = true;
    t.tasks.set("again", () => {
      if (fail) throw new Error("fails the first time");
      return "ok";
    });
    const { runId } = await t.engine.startRun({
      source: inlineSource([{ id: "again", title: "again" }]),
      options: { executor: "fn", force: true, retry: { retryLimit: 0 } },
    });
    expect((await t.engine.waitForRun(runId)).status).toBe("failed");
    fail = false;
    await t.engine.resumeRun(runId);
    expect((await t.engine.waitForRun(runId)).status).toBe("succeeded");
    await tracing.flush();
    const runs = exporter.getFinishedSpans().filter((s) => s.name === "conveyor.run" && s.attributes["conveyor.run.id"] === runId);
    expect(runs.map((s) => s.attributes["conveyor.run.mode"])).toEqual(["start", "resume"]);
    const [first, second] = runs as [ReadableSpan, ReadableSpan];
    expect(second.spanContext().traceId).toBe(first.spanContext().traceId);
    expect(parentOf(second)).toBe(first.spanContext().spanId);
    // kept on the run's row, where another process recovering it reads it
    expect((await t.engine.store.traceParentsOf([runId])).get(runId)).toBe(
      `00-${first.spanContext().traceId}-${first.spanContext().spanId}-01`,
    );
    // the resumed drive's attempt is in that trace too
    const attempts = exporter
      .getFinishedSpans()
      .filter((s) => s.name === "conveyor.attempt" && parentOf(s) === second.spanContext().spanId);
    expect(attempts).toHaveLength(1);
  });

  it("a caller's traceparent makes the run span its child, in the caller's trace; a malformed one is ignored", async () => {
    const source = inlineSource([{ id: "one", title: "one" }]);
    const linked = await t.engine.startRun({ source, options: { executor: "fn" }, traceparent: CALLER });
    await t.engine.waitForRun(linked.runId);
    const bad = await t.engine.startRun({ source, options: { executor: "fn" }, traceparent: "00-not-a-trace-01" });
    expect((await t.engine.waitForRun(bad.runId)).status).toBe("succeeded");
    await tracing.flush();
    const { root, spans } = spansOf(linked.runId);
    expect(root.spanContext().traceId).toBe(CALLER_TRACE);
    expect(parentOf(root)).toBe(CALLER_SPAN);
    expect(spans.filter((s) => s.name === "conveyor.attempt")).toHaveLength(1);
    const other = spansOf(bad.runId).root;
    expect(other.spanContext().traceId).not.toBe(CALLER_TRACE);
    expect(parentOf(other)).toBeUndefined();
  });

  it("a caller that did not sample its trace gets no spans of the run, and its tasks an unsampled traceparent", async () => {
    const seen: (string | undefined)[] = [];
    t.tasks.set("quiet", (req) => {
      seen.push(req.traceparent);
      return "ok";
    });
    const unsampled = `00-${CALLER_TRACE}-${CALLER_SPAN}-00`;
    const { runId } = await t.engine.startRun({
      source: inlineSource([{ id: "quiet", title: "quiet" }]),
      options: { executor: "fn" },
      traceparent: unsampled,
    });
    expect((await t.engine.waitForRun(runId)).status).toBe("succeeded");
    await tracing.flush();
    expect(exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === CALLER_TRACE)).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-00$`));
  });

  it("the run's first commit keeps its trace on the run, in the same statement: nothing after it can lose it", async () => {
    // every batch the engine hands the store, once the store has written it
    const written: CommitBatch[] = [];
    const store = t.engine.store;
    const { commit, commitMany } = store;
    store.commit = async (b) => {
      await commit.call(store, b);
      written.push(b);
    };
    store.commitMany = async (bs) => {
      const ids = await commitMany.call(store, bs);
      written.push(...bs.filter((b) => ids.includes(b.runId)));
      return ids;
    };
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    t.tasks.set("held", async () => {
      await held;
      return "ok";
    });
    try {
      const { runId } = await t.engine.startRun({
        source: inlineSource([{ id: "held", title: "held" }]),
        options: { executor: "fn", force: true },
      });
      // the moment its first commit is written, the trace is on the run
      await eventually(() => written.some((b) => b.runId === runId), 10_000);
      const kept = (await store.traceParentsOf([runId])).get(runId);
      release();
      expect((await t.engine.waitForRun(runId)).status).toBe("succeeded");
      await tracing.flush();
      const root = spansOf(runId).root.spanContext();
      expect(kept).toBe(`00-${root.traceId}-${root.spanId}-01`);
      const ours = written.filter((b) => b.runId === runId);
      expect(ours[0]!.traceParent).toBe(kept);
      expect(ours.slice(1).every((b) => b.traceParent === undefined)).toBe(true);
    } finally {
      release();
      store.commit = commit;
      store.commitMany = commitMany;
    }
  });

  it("a task process gets its attempt's span as TRACEPARENT", async () => {
    const dir = tempDir();
    const script = join(dir, "task.sh");
    writeFileSync(script, '#!/bin/sh\necho "tp=$TRACEPARENT"\n', { mode: 0o755 });
    const { runId } = await t.engine.startRun({
      source: inlineSource([{ id: "p", title: "p" }]),
      options: { command: script, cwd: dir },
      traceparent: CALLER,
    });
    expect((await t.engine.waitForRun(runId)).status).toBe("succeeded");
    await tracing.flush();
    const [a] = await t.engine.store.listAttempts(runId);
    const attempt = spansOf(runId)
      .spans.find((s) => s.name === "conveyor.attempt")!
      .spanContext();
    expect(a!.stdoutTail).toContain(`tp=00-${CALLER_TRACE}-${attempt.spanId}-01`);
  });
});

const hr = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6;
