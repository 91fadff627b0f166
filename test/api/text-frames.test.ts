// Text frames encoded by hand for a page of messages (fast/text-frames.ts): the
// bytes ws itself would send for each message (every length encoding: 7 bits, 16
// bits, 64 bits; multi-byte UTF-8), and a real ws client reads them as those
// messages, in order, one per frame.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as ws from "ws";
import WebSocket, { WebSocketServer } from "ws";
import { afterAll, describe, expect, it } from "vitest";
import { encodeTextFrames } from "../../src/api/fast/text-frames.js";

const texts = ["", "a", "x".repeat(125), "y".repeat(126), "z".repeat(65_535), "é€😀".repeat(30_000), '{"id":"1","type":"next"}'];

// ws's sender, exported by the package but not by its types
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };

/** What ws's own sender writes for a text message from a server: header, then payload. */
const wsFrame = (text: string) =>
  Buffer.concat(Sender.frame(Buffer.from(text), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));

describe("encodeTextFrames", () => {
  it("gives ws's own frames, one after the other", () => {
    expect(encodeTextFrames(texts).equals(Buffer.concat(texts.map(wsFrame)))).toBe(true);
    expect(encodeTextFrames([]).length).toBe(0);
  });

  let server: Server;
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("a ws client reads them as the messages, in order", async () => {
    server = createServer();
    const wss = new WebSocketServer({ server });
    wss.on("connection", (_socket, req) => req.socket.write(encodeTextFrames(texts)));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const got: { text: string; binary: boolean }[] = [];
    await new Promise<void>((resolve) =>
      client.on(
        "message",
        (data: Buffer, binary: boolean) => got.push({ text: data.toString("utf8"), binary }) === texts.length && resolve(),
      ),
    );
    expect(got).toEqual(texts.map((text) => ({ text, binary: false })));
    client.close();
    await new Promise<void>((r) => wss.close(() => r()));
  });
});
