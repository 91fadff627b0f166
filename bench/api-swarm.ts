// Many graphql-ws subscribers of one run's runEvents (or runEventBatches) in this process. The
// protocol is spoken directly over `ws` (connection_init, subscribe, next,
// complete): a full client library would add its own per-message work to the
// client side, which already shares 2 CPUs with the server.
//
// Latency of one delivery = this process's Date.now() when the message is parsed
// minus the event's `at`. `at` is the engine's clock at the transition, taken
// BEFORE the event is committed, so this is an upper bound on commit-to-client.
// Both clocks are the same machine's.
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { MsHistogram } from "./api-harness.js";

export type EventSubscription = "runEvents" | "runEventBatches";

type Event = { seq: number; type: string; at: string };

interface Next {
  type: string;
  id?: string;
  payload?: { data?: { runEvents?: Event; runEventBatches?: Event[] }; errors?: { extensions?: { code?: string } }[] };
}

export class SubscriberSwarm {
  /** Every delivery of an event recorded after the subscribe messages went out (set-up and catch-up included). */
  readonly latencyAll = new MsHistogram();
  /** Steady state only (see measureFrom). */
  readonly latency = new MsHistogram();
  /** Events delivered (each event of a list counts). */
  delivered = 0;
  /** `next` messages received. */
  messages = 0;
  /** Subscriptions the server dropped (SUBSCRIBER_DROPPED) for falling behind; each resubscribed with `after`. */
  dropped = 0;
  private runId = "";
  private readonly ids: number[] = [];
  /** The longest list one message carried (runEventBatches: a subscriber that fell behind gets a long one). */
  maxBatch = 0;
  /** Deliveries out of order or after a gap (should stay 0: runEvents promises neither). */
  disorders = 0;
  errors: string[] = [];
  lastDelivery = 0;
  /**
   * Steady state: only events recorded from 1 s after the last subscriber got its
   * first event count in the latency. Earlier ones wait for the subscription's
   * set-up and its catch-up from the database (measured apart: setupMs).
   */
  measureFrom = Infinity;
  /** subscribe sent → every subscriber received its first event. */
  setupMs = Number.NaN;
  private subscribedAt = 0;
  private subscribedAtMs = Infinity;
  private closing = false;
  /** Subscribers that received at least one event. */
  started = 0;
  private readonly sockets: WebSocket[] = [];
  private readonly last: number[] = [];
  /** Each event's `at` in ms, parsed once for all subscribers (the swarm shares 2 CPUs with the server). */
  private readonly atBySeq: number[] = [];
  private finishedCount = 0;
  private onFinished: () => void = () => undefined;

  constructor(readonly subscription: EventSubscription = "runEvents") {}

  /** Opens n connections (connection_init → connection_ack), `batch` at a time. */
  async connect(url: string, n: number, batch = 100): Promise<void> {
    const wsUrl = `${url.replace(/^http/, "ws")}/graphql`;
    for (let i = 0; i < n; i += batch) {
      const opening = [];
      for (let j = i; j < Math.min(n, i + batch); j++) opening.push(this.open(wsUrl, j));
      await Promise.all(opening);
    }
  }

  private open(wsUrl: string, index: number): Promise<void> {
    const ws = new WebSocket(wsUrl, "graphql-transport-ws");
    this.sockets[index] = ws;
    this.last[index] = 0;
    return new Promise((resolve, reject) => {
      ws.once("error", reject);
      ws.once("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: {} })));
      ws.on("close", (code, reason) => {
        if (!this.closing && code !== 1000) this.errors.push(`socket ${index} closed ${code} ${reason.toString()}`);
      });
      ws.on("message", (raw: Buffer) => {
        const msg = JSON.parse(raw.toString()) as Next;
        if (msg.type === "connection_ack") resolve();
        else if (msg.type === "next") this.receive(index, msg);
        else if (msg.type === "ping") ws.send(JSON.stringify({ type: "pong" }));
        else if (msg.type === "error") this.errors.push(`subscriber ${index}: ${JSON.stringify(msg.payload).slice(0, 300)}`);
      });
    });
  }

  private receive(index: number, msg: Next): void {
    const data = msg.payload?.data;
    const events = data?.runEventBatches ?? (data?.runEvents ? [data.runEvents] : null);
    if (msg.payload?.errors?.[0]?.extensions?.code === "SUBSCRIBER_DROPPED" && msg.id === String(this.ids[index])) {
      // what a client does: go on from the last event it received
      this.dropped++;
      this.send(index, this.last[index]!);
      return;
    }
    if (!events?.length) {
      this.errors.push(`subscriber ${index}: ${JSON.stringify(msg.payload).slice(0, 300)}`);
      return;
    }
    const now = Date.now();
    if (this.last[index] === 0 && ++this.started === this.sockets.length) {
      this.setupMs = performance.now() - this.subscribedAt;
      this.measureFrom = now + 1000;
    }
    this.messages++;
    if (events.length > this.maxBatch) this.maxBatch = events.length;
    this.lastDelivery = performance.now();
    for (const e of events) {
      const at = (this.atBySeq[e.seq] ??= Date.parse(e.at));
      this.delivered++;
      if (at >= this.subscribedAtMs) this.latencyAll.add(now - at);
      if (at >= this.measureFrom) this.latency.add(now - at);
      if (e.seq !== this.last[index]! + 1) this.disorders++;
      this.last[index] = e.seq;
      if (e.type === "run.finished" && ++this.finishedCount === this.sockets.length) this.onFinished();
    }
  }

  /** Every connection subscribes to the run's events from the start (after = 0). */
  subscribe(runId: string): void {
    this.runId = runId;
    this.subscribedAt = performance.now();
    this.subscribedAtMs = Date.now();
    for (let i = 0; i < this.sockets.length; i++) this.send(i, 0);
  }

  private send(index: number, after: number): void {
    const id = (this.ids[index] = (this.ids[index] ?? 0) + 1);
    const query = `subscription($runId: ID!, $after: Int) { ${this.subscription}(runId: $runId, after: $after) { seq type at } }`;
    this.sockets[index]!.send(
      JSON.stringify({ id: String(id), type: "subscribe", payload: { query, variables: { runId: this.runId, after } } }),
    );
  }

  /** Resolves once every subscriber got run.finished, or after `ms`; true if all did. */
  allFinished(ms: number): Promise<boolean> {
    if (this.finishedCount === this.sockets.length) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.onFinished = () => {
        clearTimeout(t);
        resolve(true);
      };
    });
  }

  /** The last seq the furthest-behind subscriber received. */
  get slowest(): number {
    return this.last.reduce((a, b) => Math.min(a, b), Infinity);
  }

  get finished(): number {
    return this.finishedCount;
  }

  close(): void {
    this.closing = true;
    for (const ws of this.sockets) ws.terminate();
  }
}
