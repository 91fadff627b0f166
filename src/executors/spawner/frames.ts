// The wire between Conveyor and its spawner process: length-prefixed binary
// frames on one socket, so task output travels as raw bytes (no JSON or
// base64 per chunk). A frame is a 9-byte header, then `length` bytes:
//
//   u32 length | u8 type | u32 id (the task process the frame is about; 0 for none)
//
// Writes are batched into one syscall (each one wakes the other process): an
// urgent frame goes out at the end of the tick, a lazy one within LAZY_MS or
// with the next urgent one. So a short task's start, exit and close cost the
// spawner one write, not three.

import type { Socket } from "node:net";

/** Conveyor → spawner. */
export const Request = {
  /** JSON LaunchSpec: start this task process. */
  spawn: 1,
  /** Stop reading the task's output (something outside its group holds the pipes). */
  destroyOutput: 2,
} as const;

/** Spawner → Conveyor. */
export const Reply = {
  /** The spawner is up and reads requests (id 0). */
  ready: 1,
  /** u32 pid: the task process runs, leading its own process group. */
  spawned: 2,
  /** UTF-8 message: it could not be started; nothing more comes for this id. */
  failed: 3,
  stdout: 4,
  stderr: 5,
  /** The shell exited; its output may still be open. */
  exit: 6,
  /** JSON {code, signal}: exited and every output closed; nothing more comes for this id. */
  close: 7,
} as const;

const HEADER = 9;
const LAZY_MS = 5;

export class FrameWriter {
  private corked = false;
  private flushTick = false;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly socket: Socket) {}

  /** False when the socket's buffer is full: the caller should hold back until "drain". */
  send(type: number, id: number, payload?: Buffer | string, lazy = false): boolean {
    const body = typeof payload === "string" ? Buffer.from(payload) : payload;
    const header = Buffer.allocUnsafe(HEADER);
    header.writeUInt32LE(body?.length ?? 0, 0);
    header.writeUInt8(type, 4);
    header.writeUInt32LE(id, 5);
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
    }
    let ok = this.socket.write(header);
    if (body?.length) ok = this.socket.write(body);
    if (!lazy && !this.flushTick) {
      this.flushTick = true;
      process.nextTick(this.flush);
    } else if (lazy && !this.flushTick && !this.flushTimer) this.flushTimer = setTimeout(this.flush, LAZY_MS);
    return ok;
  }

  private readonly flush = (): void => {
    this.flushTick = false;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  };
}

/** Cuts a byte stream into frames, whatever the chunk boundaries. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (type: number, id: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= HEADER) {
      const end = HEADER + buf.readUInt32LE(0);
      if (buf.length < end) break;
      this.onFrame(buf.readUInt8(4), buf.readUInt32LE(5), buf.subarray(HEADER, end));
      buf = buf.subarray(end);
    }
    this.pending = buf;
  }
}
