// In-process pub/sub: the embedded default. Listeners run synchronously in
// publish order; one throwing listener does not starve the others.
import type { EventBus } from "../engine/ports.js";
import type { Topic } from "../engine/topics.js";

type Listener = (messages: readonly unknown[]) => void;

export class MemoryBus implements EventBus {
  private readonly topics = new Map<string, Set<Listener>>();

  publish<T>(topic: Topic<T>, messages: readonly NoInfer<T>[]): void {
    if (messages.length === 0) return;
    for (const listener of this.topics.get(topic) ?? []) {
      try {
        listener(messages);
      } catch {
        // a subscriber's bug is its own; the engine's commit already happened
      }
    }
  }

  subscribe<T>(topic: Topic<T>, listener: (messages: readonly T[]) => void): () => void {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    // a topic carries only its type's messages: publish takes them typed by the same Topic
    const l = listener as Listener;
    set.add(l);
    return () => {
      set.delete(l);
      if (set.size === 0) this.topics.delete(topic);
    };
  }
}
