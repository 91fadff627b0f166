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

type Callback = (err?: Error) => void;

/** Patches `socket.send` (ws, on the TCP socket `tcp`) to batch and to call back early. */
export function batchSends(socket: WebSocket, tcp: Socket): void {
  const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
  let corked = false;
  const release = () => {
    corked = false;
    tcp.uncork();
  };
  socket.send = ((data: unknown, ...rest: unknown[]) => {
    if (socket.readyState !== WebSocket.OPEN) return send(data, ...rest);
    if (!corked) {
      corked = true;
      tcp.cork();
      process.nextTick(release);
    }
    if (typeof rest.at(-1) !== "function" || tcp.writableLength >= HIGH_WATER) return send(data, ...rest);
    const cb = rest.pop() as Callback;
    // a failed write closes the socket, and graphql-ws ends its subscriptions on close
    send(data, ...rest);
    queueMicrotask(() => cb());
  }) as typeof socket.send;
}
