// The subscriptions open on this server, so that a shutdown ends each one
// properly before the connections close: its client gets "complete", over SSE
// (`event: complete`) as over WebSocket, instead of a cut stream.
export class OpenSubscriptions {
  private readonly ends = new Set<() => void>();
  private closed = false;

  /** Registers how to end one; returns its unregistration. After closeAll, ends it at once. */
  add(end: () => void): () => void {
    if (this.closed) {
      end();
      return () => undefined;
    }
    this.ends.add(end);
    return () => void this.ends.delete(end);
  }

  closeAll(): void {
    this.closed = true;
    const ends = [...this.ends];
    this.ends.clear();
    for (const end of ends) end();
  }
}
