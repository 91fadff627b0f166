// graphql-ws internals this relies on (pinned in package.json, checked by
// test/api/fast-path-internals.test.ts): useServer stringifies every outgoing
// message with JSON.stringify(message, jsonMessageReplacer) and hands the string
// to the ws socket's own send(data, callback), once per subscriber. A shared
// result's data is replaced by a placeholder there, and the patched send splices
// its one encoding back in (shared-frames.ts); a page of results goes out as
// one message per result, encoded together (text-frames.ts), in one write
// with whatever else the socket sends in the same burst (send-batching.ts).
import type { WebSocketServer } from "ws";
import { sharedJson } from "./shared-execution.js";
import { pageJson } from "./pages.js";
import { SharedFrames } from "./shared-frames.js";
import { batchSends } from "./send-batching.js";
import { encodeTextFrames } from "./text-frames.js";

/** Patches the send of every socket `wss` accepts; returns the replacer to give useServer. */
export function spliceSharedFrames(wss: WebSocketServer): (key: string, value: unknown) => unknown {
  const shared = new SharedFrames();
  wss.on("connection", (socket, request) => {
    const batched = batchSends(socket, request.socket);
    const send = socket.send.bind(socket) as (data: string | Buffer, ...rest: unknown[]) => void;
    socket.send = ((data: unknown, ...rest: unknown[]) => {
      const frame = typeof data === "string" ? shared.splice(data) : undefined;
      if (frame === undefined) return send(data as string, ...rest);
      if (!Array.isArray(frame)) return send(frame, { binary: false }, ...rest);
      // a page: its messages encoded in one buffer, or, where the socket cannot take that, sent one by one
      const cb = rest.at(-1);
      if (batched.sendEncoded(encodeTextFrames(frame), typeof cb === "function" ? (cb as () => void) : undefined)) return;
      for (let i = 0; i < frame.length - 1; i++) send(frame[i]!);
      return send(frame[frame.length - 1]!, ...rest);
    }) as typeof socket.send;
  });
  return (key, value) => {
    if (key !== "data") return value;
    const page = pageJson(value);
    if (page !== undefined) return shared.pagePlaceholder(page);
    const json = sharedJson(value);
    return json === undefined ? value : shared.placeholder(json);
  };
}
