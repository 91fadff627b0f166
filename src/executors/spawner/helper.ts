// The spawner process: started by Conveyor early, while Conveyor is still
// small, it starts task processes on request and relays what they do. fork()
// costs grow with the forking process's memory (an open PGlite makes Conveyor
// ~800 MB and a spawn ~6x slower), and this process stays small. It imports
// nothing heavy for the same reason.
//
// It talks to Conveyor over the socket on fd 3 (frames.ts) and leaves every
// decision (timeouts, signals, output tails, the task protocol) to Conveyor,
// which signals the tasks' process groups itself. When Conveyor goes away the
// socket ends and this process exits; its tasks run on, as they would have
// after Conveyor died had it spawned them itself.

import type { ChildProcess } from "node:child_process";
import { Socket, type SocketConstructorOpts } from "node:net";
import type { Readable } from "node:stream";
import { processEnvironment } from "../../config/environment.js";
import { startDirect, type LaunchSpec } from "../process-launcher.js";
import { FrameReader, FrameWriter, Reply, Request } from "./frames.js";

// Up to 1 MiB queued before a stream is held back: with the default 16 KiB every 64 KiB chunk a task
// printed found the socket "full" and waited for a drain, so output crossed at ~11 MB/s whatever
// Conveyor's pace (net.Socket hands stream options to its Duplex; its types leave them out).
const socketOptions: SocketConstructorOpts & { writableHighWaterMark: number } = {
  fd: 3,
  readable: true,
  writable: true,
  writableHighWaterMark: 1 << 20,
};
const socket = new Socket(socketOptions);
const out = new FrameWriter(socket);
const tasks = new Map<number, ChildProcess>();
/** The output streams held back while Conveyor's socket is full, or undefined while it is not. */
let held: Set<Readable> | undefined;
// A plain copy taken once: spreading the environment (a live view of environ) for every task costs more.
const baseEnv = processEnvironment();

/**
 * Task output, relayed as it comes; while Conveyor lags behind, the tasks that
 * print block on their full pipes as they would writing to it. Only those: a
 * stream is held back when it brings a chunk to a full socket, so the quiet
 * tasks beside a noisy one still end (their pipes close) and are reported.
 */
function relay(type: number, id: number, chunk: Buffer): void {
  const child = tasks.get(id);
  const from = type === Reply.stdout ? child?.stdout : child?.stderr;
  if (held) {
    out.send(type, id, chunk, true);
    if (from) held.add(from.pause());
    return;
  }
  if (out.send(type, id, chunk, true)) return;
  held = new Set(from ? [from.pause()] : []);
  socket.once("drain", () => {
    const streams = held!;
    held = undefined;
    for (const s of streams) s.resume();
  });
}

function spawnTask(id: number, spec: LaunchSpec): void {
  const child = startDirect(
    spec,
    { ...baseEnv, ...spec.env },
    {
      started: (pid) => {
        const payload = Buffer.allocUnsafe(4);
        payload.writeUInt32LE(pid);
        out.send(Reply.spawned, id, payload, true);
      },
      stdout: (chunk) => relay(Reply.stdout, id, chunk),
      stderr: (chunk) => relay(Reply.stderr, id, chunk),
      exit: () => out.send(Reply.exit, id, undefined, true),
      close: (code, signal) => {
        tasks.delete(id);
        out.send(Reply.close, id, JSON.stringify({ code, signal }));
      },
      startFailed: (message) => {
        tasks.delete(id);
        out.send(Reply.failed, id, message);
      },
    },
  );
  if (child?.pid !== undefined) tasks.set(id, child);
}

const reader = new FrameReader((type, id, payload) => {
  if (type === Request.spawn) spawnTask(id, JSON.parse(payload.toString()) as LaunchSpec);
  else if (type === Request.destroyOutput) {
    tasks.get(id)?.stdout?.destroy();
    tasks.get(id)?.stderr?.destroy();
  }
});
socket.on("data", (chunk: Buffer) => reader.push(chunk));
// Conveyor is gone (or closed the spawner): nobody is left to report to.
socket.on("end", () => process.exit(0));
socket.on("error", () => process.exit(0));
out.send(Reply.ready, 0);
