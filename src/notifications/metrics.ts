// Webhook metrics on the server's registry: attempts by outcome, their latency, and the
// backlog (pending deliveries and the age of the oldest), which the backlog alert reads.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface WebhookMetrics {
  attempts: Counter<"outcome">;
  latency: Histogram;
  pending: Gauge;
  oldestPending: Gauge;
}

export function webhookMetrics(registry: Registry): WebhookMetrics {
  const r = { registers: [registry] };
  return {
    attempts: new Counter({
      ...r,
      name: "conveyor_webhook_deliveries_total",
      help: "Webhook delivery attempts by outcome: delivered, failed (to be retried), dead (dead-lettered)",
      labelNames: ["outcome"],
    }),
    latency: new Histogram({
      ...r,
      name: "conveyor_webhook_attempt_duration_seconds",
      help: "Webhook attempt durations",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    pending: new Gauge({
      ...r,
      name: "conveyor_webhook_pending",
      help: "Webhook deliveries not yet delivered nor dead-lettered (all replicas)",
    }),
    oldestPending: new Gauge({
      ...r,
      name: "conveyor_webhook_oldest_pending_seconds",
      help: "Age of the oldest pending webhook delivery (all replicas); 0 when none",
    }),
  };
}
