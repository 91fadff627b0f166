// graphql-ws internals this relies on (pinned in package.json, checked by
// test/api/fast-path-internals.test.ts): useServer stringifies every outgoing
// message with JSON.stringify(message, jsonMessageReplacer) and hands the string
// to the ws socket's own send(data, callback), once per subscriber. A shared
// result's data is replaced by a placeholder there, and the patched send splices
// its one encoding back in (shared-frames.ts).
import type { WebSocketServer } from "ws";
import { sharedJson } from "./shared-execution.js";
import { SharedFrames } from "./shared-frames.js";

/** Patches the send of every socket `wss` accepts; returns the replacer to give useServer. */
export function spliceSharedFrames(wss: WebSocketServer): (key: string, value: unknown) => unknown {
  const shared = new SharedFrames();
  wss.on("connection", (socket) => {
    const send = socket.send.bind(socket) as (data: string | Buffer, ...rest: unknown[]) => void;
    socket.send = ((data: unknown, ...rest: unknown[]) => {
      const frame = typeof data === "string" ? shared.splice(data) : undefined;
      return frame ? send(frame, { binary: false }, ...rest) : send(data as string, ...rest);
    }) as typeof socket.send;
  });
  return (key, value) => {
    const json = key === "data" ? sharedJson(value) : undefined;
    return json === undefined ? value : shared.placeholder(json);
  };
}
