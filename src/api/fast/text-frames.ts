// WebSocket text frames (RFC 6455 §5.2) as a server sends them: FIN set, opcode
// 1, no mask, no extension bits. A page of messages (ws-frames.ts) is encoded
// into one buffer here, so that it leaves in one write of one chunk: through
// ws's send, each message was two chunks (header, payload) of the socket's
// write queue, 2,048 for a page of 1,024, and the kernel's writev of so many
// small pieces cost more than the rest of the replay.

/** The frames of `texts`, one message each, in order, in one buffer. */
export function encodeTextFrames(texts: readonly string[]): Buffer {
  const lengths = new Array<number>(texts.length);
  let total = 0;
  for (let i = 0; i < texts.length; i++) {
    const n = Buffer.byteLength(texts[i]!);
    lengths[i] = n;
    total += n + (n < 126 ? 2 : n < 65_536 ? 4 : 10);
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    const n = lengths[i]!;
    out[at++] = 0x81; // FIN, text
    if (n < 126) out[at++] = n;
    else if (n < 65_536) {
      out[at++] = 126;
      out.writeUInt16BE(n, at);
      at += 2;
    } else {
      out[at++] = 127;
      out.writeUInt32BE(Math.floor(n / 2 ** 32), at);
      out.writeUInt32BE(n >>> 0, at + 4);
      at += 8;
    }
    at += out.write(texts[i]!, at, n, "utf8");
  }
  return out;
}
