// Sends what the outbox holds. Every `pollMs` it leases the due deliveries it has room for
// (the store's SKIP LOCKED claim: one replica per delivery) and sends each on its own, so a
// slow endpoint holds only its own slots (`perEndpoint`) and never another's, nor the engine,
// which only ever wrote a row. A replica that dies mid-send leaves its lease to lapse and
// another sends again, with the same webhook-id: at least once.
import { Webhook } from "standardwebhooks";
import { nextDelay } from "./backoff.js";
import type { WebhookMetrics } from "./metrics.js";
import { send } from "./outbound.js";
import type { ClaimedDelivery, WebhookStore } from "./ports.js";
import type { WebhookSettings } from "./settings.js";

/** Where the dispatcher's warnings go (the engine's logger is one). */
export interface WarningLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface DispatcherDeps {
  store: WebhookStore;
  /** This replica, as recorded in each attempt's `sentBy` and in leases. */
  owner: string;
  settings: WebhookSettings;
  logger: WarningLog;
  metrics?: WebhookMetrics;
  random?: () => number;
}

/** Sweeps for stalled and interrupted runs and backlog gauges at most this often. */
const SWEEP_MS = 5_000;
/** A run is reported interrupted when no process took it over this long after its lease lapsed. */
const INTERRUPTED_GRACE_MS = 5_000;

export class Dispatcher {
  private readonly inFlight = new Map<string, number>();
  private total = 0;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly sends = new Set<Promise<void>>();
  private lastSweep = 0;
  private stopped = true;

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Look for due deliveries now (something was just written). */
  wake(): void {
    if (!this.stopped && this.ticking === null) this.schedule(0);
  }

  /** Stops claiming and waits for the sends in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.all([...this.sends]);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick()
        .catch((err: unknown) =>
          this.deps.logger.warn(
            { err: err instanceof Error ? err.message : String(err) },
            "webhooks: looking for due deliveries failed; trying again",
          ),
        )
        .finally(() => {
          this.ticking = null;
          if (!this.stopped) this.schedule(this.deps.settings.pollMs);
        });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const s = this.deps.settings;
    if (Date.now() - this.lastSweep >= Math.min(SWEEP_MS, s.stallAfterMs)) {
      this.lastSweep = Date.now();
      await this.sweep();
    }
    const room = s.maxInFlight - this.total;
    if (room <= 0) return;
    const busy = [...this.inFlight].filter(([, n]) => n >= s.perEndpoint).map(([id]) => id);
    // at most perEndpoint of an endpoint's are claimed, so each waits at most one send of its
    // endpoint's (one already in flight here) before its own: two timeouts and a margin
    const leaseMs = 2 * s.timeoutMs + 1_000;
    const claimed = await this.deps.store.claimDue(this.deps.owner, room, s.perEndpoint, busy, leaseMs);
    const byEndpoint = new Map<string, ClaimedDelivery[]>();
    for (const c of claimed) byEndpoint.set(c.endpointId, [...(byEndpoint.get(c.endpointId) ?? []), c]);
    for (const [endpointId, list] of byEndpoint) this.drain(endpointId, list);
  }

  /** Sends one endpoint's claimed deliveries, at most `perEndpoint` at a time. */
  private drain(endpointId: string, queue: ClaimedDelivery[]): void {
    // stopping: what is claimed but not yet sent waits for its lease to lapse, then another sends it
    while (!this.stopped && queue.length > 0 && (this.inFlight.get(endpointId) ?? 0) < this.deps.settings.perEndpoint) {
      const c = queue.shift()!;
      this.inFlight.set(endpointId, (this.inFlight.get(endpointId) ?? 0) + 1);
      this.total++;
      const p = this.deliver(c).finally(() => {
        this.sends.delete(p);
        this.total--;
        const left = (this.inFlight.get(endpointId) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(endpointId);
        else this.inFlight.set(endpointId, left);
        this.drain(endpointId, queue);
      });
      this.sends.add(p);
    }
  }

  private async deliver(c: ClaimedDelivery): Promise<void> {
    const { settings: s, store, owner, metrics, logger } = this.deps;
    let result;
    try {
      const now = new Date();
      const signature = new Webhook(c.secret).sign(c.id, now, c.payload);
      const headers = { "webhook-id": c.id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": signature };
      result = await send(c.url, headers, c.payload, {
        timeoutMs: s.timeoutMs,
        maxResponseBytes: s.maxResponseBytes,
        allowPrivate: s.allowPrivate,
      });
    } catch (err) {
      result = { ok: false, statusCode: null, latencyMs: 0, error: err instanceof Error ? err.message : String(err) };
    }
    const tries = c.tries + 1;
    const delay = result.ok
      ? null
      : nextDelay({ baseMs: s.backoffBaseMs, capMs: s.backoffCapMs, maxAttempts: s.maxAttempts }, tries, this.deps.random);
    const nextAt = delay === null ? null : Date.now() + delay;
    const outcome = result.ok ? "delivered" : nextAt === null ? "dead" : "failed";
    metrics?.attempts.inc({ outcome });
    metrics?.latency.observe(result.latencyMs / 1000);
    if (outcome === "dead")
      logger.warn({ deliveryId: c.id, endpointId: c.endpointId, tries, error: result.error }, "webhook delivery dead-lettered");
    try {
      const kept = await store.recordAttempt({
        deliveryId: c.id,
        owner,
        ok: result.ok,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        error: result.error,
        nextAt,
      });
      if (!kept) logger.warn({ deliveryId: c.id }, "webhook delivery's lease lapsed during the send: another replica sends it again");
    } catch (err) {
      // the lease lapses and the delivery is sent again: at least once
      logger.warn({ deliveryId: c.id, err: err instanceof Error ? err.message : String(err) }, "webhooks: recording an attempt failed");
    }
  }

  private async sweep(): Promise<void> {
    const { store, settings, metrics } = this.deps;
    await store.sweepStalled(settings.stallAfterMs);
    await store.sweepInterrupted(INTERRUPTED_GRACE_MS);
    if (metrics) {
      const b = await store.backlog();
      metrics.pending.set(b.pending);
      metrics.oldestPending.set((b.oldestPendingMs ?? 0) / 1000);
    }
  }
}
