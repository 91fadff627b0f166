// Sends gathered into one write per burst (fast/send-batching.ts), on a real ws
// connection: every message arrives whole and in order, one per frame; a send's
// callback comes at once while little waits in the socket's buffer, and waits
// for the write once HIGH_WATER bytes do, so a client that stops reading stops
// its sender (what graphql-ws relies on to hold back a subscription).
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { batchSends, HIGH_WATER } from "../../src/api/fast/send-batching.js";

let server: Server | undefined;
let wss: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

/** A server socket with batched sends, and a client to it. */
async function pair(): Promise<{ sender: WebSocket; tcp: Socket; client: WebSocket }> {
  server = createServer();
  wss = new WebSocketServer({ server });
  const accepted = new Promise<{ sender: WebSocket; tcp: Socket }>((resolve) =>
    wss!.on("connection", (sender, req) => {
      batchSends(sender, req.socket);
      resolve({ sender, tcp: req.socket });
    }),
  );
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((r) => client.once("open", r));
  return { ...(await accepted), client };
}

const sendAwaited = (s: WebSocket, text: string) =>
  new Promise<void>((resolve, reject) => s.send(text, (err) => (err ? reject(err) : resolve())));

describe("batched sends", () => {
  it("a burst arrives whole and in order, one message a frame", async () => {
    const { sender, client } = await pair();
    const got: string[] = [];
    const all = new Promise<void>((r) => client.on("message", (data: Buffer) => got.push(data.toString()) === 2_000 && r()));
    for (let i = 0; i < 2_000; i++) await sendAwaited(sender, JSON.stringify({ i, pad: "x".repeat(i % 300) }));
    await all;
    expect(got.map((t) => (JSON.parse(t) as { i: number }).i)).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
    client.close();
  });

  it("holds the sender back while the client does not read, and delivers everything once it does", async () => {
    const { sender, tcp, client } = await pair();
    client.pause(); // the client's socket stops reading: the kernel's buffers fill, then ours
    const message = "y".repeat(16 * 1024);
    let sent = 0;
    let stop = false;
    const sending = (async () => {
      while (!stop) {
        await sendAwaited(sender, message);
        // a turn of the event loop now and then, so that a sender never held back fails here rather than hangs
        if (++sent % 64 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    // whatever the kernel takes, the sender stalls: its count stays put
    let before = -1;
    for (let i = 0; i < 100 && sent !== before; i++) {
      before = sent;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sent).toBe(before);
    expect(tcp.writableLength).toBeGreaterThanOrEqual(HIGH_WATER); // stalled on our buffer, not before it
    expect(tcp.writableLength).toBeLessThan(HIGH_WATER + 2 * message.length + 64);
    stop = true;
    let received = 0;
    client.on("message", (data: Buffer) => {
      expect(data.length).toBe(message.length);
      received++;
    });
    client.resume();
    await sending;
    while (received < sent) await new Promise((r) => setTimeout(r, 10));
    expect(received).toBe(sent);
    client.close();
  });
});
