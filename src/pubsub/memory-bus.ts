// In-process pub/sub: the embedded default. Listeners run synchronously in
// publish order; one throwing listener does not starve the others.
import type { EventBus, RunEvent } from "../engine/ports.js";

export class MemoryBus implements EventBus {
  private readonly topics = new Map<string, Set<(events: readonly RunEvent[]) => void>>();

  publish(topic: string, events: readonly RunEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.topics.get(topic) ?? []) {
      try {
        listener(events);
      } catch {
        // a subscriber's bug is its own; the engine's commit already happened
      }
    }
  }

  subscribe(topic: string, listener: (events: readonly RunEvent[]) => void): () => void {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.topics.delete(topic);
    };
  }
}
