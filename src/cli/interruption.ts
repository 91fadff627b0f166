// What Ctrl-C (or SIGTERM) means to a command: hooks that clear what it drew on
// the terminal, then one line naming the runs it left resumable by their ids.

/** Thrown by code that was waiting when the command was interrupted: it has nothing left to report. */
export class Interrupted extends Error {
  override name = "Interrupted";
}

export class Interruption {
  private readonly hooks = new Set<() => void>();
  /** Runs this command follows now: the hint names them. */
  readonly runIds = new Set<string>();
  fired = false;

  /** Calls `hook` on interruption, before the message; returns the way to take it back. */
  onInterrupt(hook: () => void): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Runs the hooks once and returns the message for stderr. */
  fire(): string {
    if (!this.fired) {
      this.fired = true;
      for (const hook of this.hooks) hook();
    }
    return interruptedMessage([...this.runIds]);
  }
}

export function interruptedMessage(runIds: string[]): string {
  if (runIds.length === 0) return "interrupted: stopping\n";
  return runIds.map((id) => `interrupted: stopping; run ${id} stays resumable: conveyor resume ${id}\n`).join("");
}
