// A child process for bench/api-bare.ts: a server that does the least the API
// benchmark's clients need, on the same node:http and `ws` as the real one, so
// their figures show what this machine allows without Conveyor's own work.
// - POST /graphql: reads and parses the body, answers one constant document shaped
//   like run(id){progress{...}}'s answer.
// - WebSocket /graphql: just enough graphql-ws (connection_init, subscribe, ping,
//   complete), one subscription per socket as SubscriberSwarm makes.
// - POST /stream?rate=R&ms=W&subscribers=N: once N subscriptions are in, sends
//   runEvents `next` messages to every subscriber at R events/s for W ms (the
//   last one run.finished, early if it fell behind); answers with what it sent.
// Prints "LISTENING <url>" once it accepts.
import { createServer, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocketServer, type WebSocket } from "ws";

const PROGRESS = Buffer.from(
  JSON.stringify({
    data: {
      run: {
        progress: {
          percent: 37.1,
          total: 10000,
          settled: 3710,
          counts: { pending: 6280, running: 10, succeeded: 3710, failed: 0 },
          throughputPerSec: 1000.2,
          etaSeconds: 6.3,
        },
      },
    },
  }),
);

/** Each socket's subscription id. */
const subs = new Map<WebSocket, string>();

export interface StreamReport {
  sent: number;
  seconds: number;
  /** The most an event was made after its due time: tick lateness, up to one tick (10 ms) included. */
  maxLagMs: number;
}

async function stream(rate: number, ms: number, subscribers: number, res: ServerResponse): Promise<void> {
  // a subscribe still in flight would miss the first events: wait for all (or 10 s)
  const deadline = performance.now() + 10_000;
  while (subs.size < subscribers && performance.now() < deadline) await sleep(5);
  const total = Math.max(1, Math.round((rate * ms) / 1000));
  const t0 = performance.now();
  let seq = 0;
  let maxLagMs = 0;
  let finished = false;
  // paced by timer ticks, like the engine's work arriving on its own schedule: each tick sends what is due
  const timer = setInterval(() => {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000));
    if (seq < due) maxLagMs = Math.max(maxLagMs, now - (t0 + ((seq + 1) * 1000) / rate));
    while (seq < due && !finished) {
      seq++;
      // a server that fell behind stops where it got to (an on-pace one ends a tick after `ms`): its rate is what it could do
      finished = seq === total || performance.now() - t0 >= ms + 100;
      const type = finished ? "run.finished" : seq % 2 ? "task.started" : "task.succeeded";
      // the event is made now (the engine's `at` is its clock at the transition), encoded once per subscription id
      const payload = `{"data":{"runEvents":{"seq":${seq},"type":"${type}","at":"${new Date().toISOString()}"}}}`;
      const frames = new Map<string, Buffer>();
      for (const [ws, id] of subs) {
        let frame = frames.get(id);
        if (!frame) frames.set(id, (frame = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`)));
        ws.send(frame, { binary: false });
      }
    }
    if (finished) {
      clearInterval(timer);
      const report: StreamReport = { sent: seq, seconds: (performance.now() - t0) / 1000, maxLagMs };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(report));
    }
  }, 10);
}

const server = createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c: string) => (body += c));
  req.on("end", () => {
    const url = new URL(req.url ?? "/", "http://bare");
    if (url.pathname === "/graphql") {
      JSON.parse(body);
      res.writeHead(200, { "content-type": "application/json", "content-length": PROGRESS.length }).end(PROGRESS);
    } else if (url.pathname === "/stream") {
      const q = (name: string) => Number(url.searchParams.get(name));
      void stream(q("rate"), q("ms"), q("subscribers"), res);
    } else res.writeHead(404).end();
  });
});

const wss = new WebSocketServer({
  server,
  path: "/graphql",
  handleProtocols: (p) => (p.has("graphql-transport-ws") ? "graphql-transport-ws" : false),
});
wss.on("connection", (ws) => {
  ws.on("message", (raw: Buffer) => {
    const m = JSON.parse(raw.toString()) as { type: string; id?: string };
    if (m.type === "connection_init") ws.send('{"type":"connection_ack"}');
    else if (m.type === "ping") ws.send('{"type":"pong"}');
    else if (m.type === "subscribe") subs.set(ws, m.id!);
    else if (m.type === "complete") subs.delete(ws);
  });
  ws.on("close", () => subs.delete(ws));
});

server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error(`unexpected address ${String(addr)}`);
  process.stdout.write(`LISTENING http://127.0.0.1:${addr.port}\n`);
});
