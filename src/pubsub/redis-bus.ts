// Redis pub/sub between replicas (REDIS_URL). Subscribers in this process get
// this process's events at once, in publish order, without a round trip; other
// replicas get them through one Redis channel per topic. Redis is a fast path,
// not the record: when it is down, publishes are queued or dropped and
// subscribers catch up from the database (see the API's runEvents stream).
// ioredis reconnects and re-subscribes by itself.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { busNotice } from "../engine/bus-notices.js";
import { silentLogger, type EventBus, type Logger } from "../engine/ports.js";
import { topicFromWire, topics, type Topic } from "../engine/topics.js";
import { MemoryBus } from "./memory-bus.js";

interface Message {
  /** The publishing process, so it skips its own echo. */
  o: string;
  /** The messages, as the publisher's Topic typed them. */
  e: readonly unknown[];
}

export class RedisBus implements EventBus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly local = new MemoryBus();
  private readonly origin = randomUUID();
  private readonly refs = new Map<string, number>();
  /** Each subscribed topic's SUBSCRIBE, settled once Redis confirmed it (or refused it). */
  private readonly subscribing = new Map<string, Promise<void>>();
  /** When the subscriber connection was lost, until it is ready again. */
  private downSince: number | undefined;

  constructor(
    url: string,
    private readonly opts: { prefix?: string; logger?: Logger } = {},
  ) {
    const common = { lazyConnect: false, maxRetriesPerRequest: 3, retryStrategy: (n: number) => Math.min(50 * 2 ** n, 2_000) };
    this.pub = new Redis(url, { ...common, connectionName: "conveyor-pub" });
    this.sub = new Redis(url, { ...common, connectionName: "conveyor-sub" });
    const log = opts.logger ?? silentLogger;
    for (const [name, client] of [
      ["publisher", this.pub],
      ["subscriber", this.sub],
    ] as const) {
      client.on("error", (err: Error) => log.warn({ client: name, err: err.message }, "redis error"));
      client.on("ready", () => log.info({ client: name }, "redis ready"));
    }
    this.sub.on("close", () => (this.downSince ??= Date.now()));
    this.sub.on("ready", () => {
      const since = this.downSince;
      if (since === undefined) return;
      this.downSince = undefined;
      this.local.publish(topics.busResync, [busNotice("bus.resync", { since })]);
    });
    this.sub.on("message", (channel: string, text: string) => {
      let msg: Message;
      try {
        msg = JSON.parse(text) as Message;
      } catch {
        return;
      }
      if (msg.o !== this.origin) this.local.publish(topicFromWire(channel.slice(this.prefix.length)), msg.e);
    });
  }

  private get prefix(): string {
    return this.opts.prefix ?? "conveyor:";
  }

  publish<T>(topic: Topic<T>, messages: readonly NoInfer<T>[]): void {
    if (messages.length === 0) return;
    this.local.publish(topic, messages);
    const message: Message = { o: this.origin, e: messages };
    this.pub.publish(this.prefix + topic, JSON.stringify(message)).catch((err: Error) => {
      (this.opts.logger ?? silentLogger).warn(
        { topic, err: err.message },
        "redis publish failed; subscribers will catch up from the database",
      );
    });
  }

  subscribe<T>(topic: Topic<T>, listener: (messages: readonly T[]) => void): () => void {
    const off = this.local.subscribe(topic, listener);
    const n = this.refs.get(topic) ?? 0;
    this.refs.set(topic, n + 1);
    if (n === 0)
      this.subscribing.set(
        topic,
        this.sub.subscribe(this.prefix + topic).then(
          () => undefined,
          () => undefined,
        ),
      );
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      const left = (this.refs.get(topic) ?? 1) - 1;
      if (left > 0) return void this.refs.set(topic, left);
      this.refs.delete(topic);
      this.subscribing.delete(topic);
      void this.sub.unsubscribe(this.prefix + topic).catch(() => undefined);
    };
  }

  subscribed(topic: Topic<unknown>): Promise<void> {
    return this.subscribing.get(topic) ?? Promise.resolve();
  }

  /** Throws unless Redis answers (for /readyz). */
  async ping(): Promise<void> {
    if (this.pub.status !== "ready") throw new Error(`redis is ${this.pub.status}`);
    await this.pub.ping();
  }

  async close(): Promise<void> {
    await Promise.all([this.pub.quit().catch(() => this.pub.disconnect()), this.sub.quit().catch(() => this.sub.disconnect())]);
  }
}
