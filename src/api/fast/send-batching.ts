// One write per burst of messages on a socket. graphql-ws sends each message with
// the ws socket's send(text, callback) and awaits the callback, which ws calls once
// the frame is written, before it takes the next result: a replay of a run's
// history (runEvents from 0, a page of events ready at once) paid a system call
// (writev) and a round of callbacks per event, a third of the server's CPU.
// Here the connection's TCP socket is corked at the first send of a burst and
// uncorked once the running chain of microtasks is done (process.nextTick), so a
// burst leaves in one write and a lone live message is not delayed; and the
// callback is called at once while little is buffered, so graphql-ws goes on to
// the next result within the burst. Past HIGH_WATER bytes waiting, the callback
// waits for the write as before: a slow client still holds its subscriptions back.
import type { Socket } from "node:net";
import { WebSocket } from "ws";

/** Bytes waiting in the socket's buffer beyond which a send's callback waits for its write. */
export const HIGH_WATER = 256 * 1024;

type Callback = (err?: Error | null) => void;

export interface BatchedSocket {
  /**
   * Writes frames already encoded (text-frames.ts) in order with the socket's
   * sends, batched and called back as they are; false (nothing written) when the
   * socket cannot take them so: not open, or an extension (compression) negotiated.
   */
  sendEncoded(frames: Buffer, cb?: Callback): boolean;
}

/** Patches `socket.send` (ws, on the TCP socket `tcp`) to batch and to call back early. */
export function batchSends(socket: WebSocket, tcp: Socket): BatchedSocket {
  const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
  let corked = false;
  const release = () => {
    corked = false;
    tcp.uncork();
  };
  const hold = () => {
    if (corked) return;
    corked = true;
    tcp.cork();
    process.nextTick(release);
  };
  // a failed write closes the socket, and graphql-ws ends its subscriptions on close
  const early = (cb: Callback) => queueMicrotask(() => cb());
  socket.send = ((data: unknown, ...rest: unknown[]) => {
    if (socket.readyState !== WebSocket.OPEN) return send(data, ...rest);
    hold();
    if (typeof rest.at(-1) !== "function" || tcp.writableLength >= HIGH_WATER) return send(data, ...rest);
    const cb = rest.pop() as Callback;
    send(data, ...rest);
    early(cb);
  }) as typeof socket.send;
  return {
    sendEncoded(frames, cb) {
      // ws writes a frame to the socket within send() unless it compresses (or sends a Blob, which graphql-ws never does)
      if (socket.readyState !== WebSocket.OPEN || socket.extensions !== "") return false;
      hold();
      if (!cb || tcp.writableLength >= HIGH_WATER) tcp.write(frames, cb);
      else {
        tcp.write(frames);
        early(cb);
      }
      return true;
    },
  };
}
