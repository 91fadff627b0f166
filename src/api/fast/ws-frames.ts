// graphql-ws internals this relies on (pinned in package.json, checked by
// test/api/fast-path-internals.test.ts): useServer stringifies every outgoing
// message with JSON.stringify(message, jsonMessageReplacer) and hands the string
// to the ws socket's own send(data, callback), once per subscriber. A shared
// result's data is replaced by a placeholder there, and the patched send splices
// its one encoding back in (shared-frames.ts).
import type { WebSocketServer } from "ws";
import { pageJson, sharedJson } from "./shared-execution.js";
import { SharedFrames } from "./shared-frames.js";
import { batchSends } from "./send-batching.js";

/** Patches the send of every socket `wss` accepts; returns the replacer to give useServer. */
export function spliceSharedFrames(wss: WebSocketServer): (key: string, value: unknown) => unknown {
  const shared = new SharedFrames();
  wss.on("connection", (socket, request) => {
    batchSends(socket, request.socket);
    const send = socket.send.bind(socket) as (data: string | Buffer, ...rest: unknown[]) => void;
    socket.send = ((data: unknown, ...rest: unknown[]) => {
      const frame = typeof data === "string" ? shared.splice(data) : undefined;
      if (frame === undefined) return send(data as string, ...rest);
      if (!Array.isArray(frame)) return send(frame, { binary: false }, ...rest);
      // a page: every message but the last goes out as is, the last carries graphql-ws's callback
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
