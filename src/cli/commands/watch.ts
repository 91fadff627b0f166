// conveyor watch <run-id>: follows a run on a Conveyor server over graphql-ws,
// with the same bar (on a terminal) or event lines (otherwise) as `conveyor run`.
import { withFlag, type Settings } from "../../config.js";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { Progress } from "../../core/progress.js";
import type { RunEvent } from "../../core/events.js";
import type { Output } from "../follow.js";
import { ProgressView } from "../progress-view.js";
import { UsageError } from "../usage-error.js";

const PROGRESS = `subscription ($runId: ID!) { runProgress(runId: $runId) {
  percent total settled memoized throughputPerSec etaSeconds etaAt
  counts { pending running retrying succeeded failed skipped cancelled }
  running { taskId elapsedMs } } }`;
const EVENTS = `subscription ($runId: ID!) { runEvents(runId: $runId) { runId seq type taskId data at } }`;
const RUN = `query ($id: ID!) { run(id: $id) { status reason succeeded failed skipped cancelled memoized pending } }`;

interface GqlProgress extends Omit<Progress, "running" | "etaMs" | "etaAt"> {
  running: { taskId: string; elapsedMs: number }[];
  etaSeconds: number | null;
  etaAt: string | null;
}

const toProgress = (p: GqlProgress): Progress => ({
  ...p,
  running: p.running.map((r) => ({ id: r.taskId, elapsedMs: r.elapsedMs })),
  etaMs: p.etaSeconds === null ? null : p.etaSeconds * 1000,
  etaAt: p.etaAt === null ? null : Date.parse(p.etaAt),
});

function once<T>(client: Client, query: string, variables: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    let data: T | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (r) => (r.errors ? reject(new Error(r.errors.map((e) => e.message).join("; "))) : (data = r.data as T)),
        error: (e) => reject(e instanceof Error ? e : new Error(String((e as { reason?: string }).reason ?? e))),
        complete: () => resolve(data as T),
      },
    );
  });
}

export async function watchCommand(
  runId: string,
  f: { server?: string; token?: string },
  out: Output,
  settings: Settings,
): Promise<number> {
  const server = withFlag(settings, "CONVEYOR_SERVER", "--server", f.server) ?? "http://127.0.0.1:4000";
  if (!URL.canParse(server)) throw new UsageError(`--server: "${server}" is not a URL (e.g. http://127.0.0.1:4000)`);
  const base = new URL(server);
  base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
  if (base.pathname === "/" || base.pathname === "") base.pathname = "/graphql";
  const token = withFlag(settings, "CONVEYOR_TOKEN", "--token", f.token);
  const client = createClient({
    url: base.toString(),
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
  });
  try {
    let latest: Progress | null = null;
    const view = new ProgressView(out, () => latest!);
    // the two streams are independent: the events go on until run.finished, even after the last progress
    let eventsEnded!: () => void;
    const lastEvent = new Promise<void>((resolve) => (eventsEnded = resolve));
    // the server's events, trusted to be the union as its store's are (core/events.ts)
    const events = client.subscribe<{ runEvents: RunEvent }>(
      { query: EVENTS, variables: { runId } },
      {
        next: (r) => {
          if (!r.data) return;
          const { taskId, at, ...e } = r.data.runEvents;
          view.onEvents([{ ...e, ...(taskId != null ? { taskId } : {}), at: Date.parse(String(at)) }]);
          if (e.type === "run.finished") eventsEnded();
        },
        error: () => eventsEnded(),
        complete: () => eventsEnded(),
      },
    );
    // the progress stream ends with the snapshot taken after the run finished
    await new Promise<void>((resolve, reject) => {
      client.subscribe<{ runProgress: GqlProgress }>(
        { query: PROGRESS, variables: { runId } },
        {
          next: (r) => {
            if (r.errors) return reject(new UsageError(r.errors.map((e) => e.message).join("; ")));
            const first = latest === null;
            latest = toProgress(r.data!.runProgress);
            if (first) view.start();
          },
          error: (e) => reject(e instanceof Error ? e : new Error(`connection closed: ${String((e as { reason?: string }).reason ?? "")}`)),
          complete: () => resolve(),
        },
      );
    });
    await lastEvent;
    if (latest) view.stop(); // started by the first snapshot
    events();
    const { run } = await once<{ run: { status: string; reason: string | null } & Record<string, number> }>(client, RUN, { id: runId });
    const status = run.status.toLowerCase();
    out.write(
      `run ${runId} ${status}: ${run.succeeded} succeeded${run.memoized ? ` (${run.memoized} from cache)` : ""}, ` +
        `${run.failed} failed, ${run.skipped} skipped${run.cancelled ? `, ${run.cancelled} cancelled` : ""}\n` +
        (run.reason ? `  reason: ${run.reason}\n` : ""),
    );
    return status === "succeeded" ? 0 : 1;
  } finally {
    await client.dispose();
  }
}
