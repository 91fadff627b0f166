// Rows of the webhook tables as the notifications' records (no database access here).
import type { WebhookEventType } from "../../core/notices.js";
import type { AttemptRecord, DeliveryRecord, DeliveryState, EndpointRecord, ManagedBy } from "../../notifications/ports.js";

const ms = (d: Date | string | null): number | null => (d === null ? null : new Date(d).getTime());

export interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  sources: string[];
  tags: string[];
  managed_by: string;
  created_at: Date;
  updated_at: Date;
}

export const ENDPOINT_COLUMNS = "id, url, description, events, sources, tags, managed_by, created_at, updated_at";

export const endpointOf = (r: EndpointRow): EndpointRecord => ({
  id: r.id,
  url: r.url,
  description: r.description,
  events: r.events as WebhookEventType[],
  sources: r.sources,
  tags: r.tags,
  managedBy: r.managed_by as ManagedBy,
  createdAt: ms(r.created_at)!,
  updatedAt: ms(r.updated_at)!,
});

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  run_id: string;
  type: string;
  state: string;
  tries: number;
  next_at: Date;
  created_at: Date;
  finished_at: Date | null;
  payload: string;
}

export const DELIVERY_COLUMNS = "id, endpoint_id, run_id, type, state, tries, next_at, created_at, finished_at, payload::text AS payload";

export const deliveryOf = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  endpointId: r.endpoint_id,
  runId: r.run_id,
  type: r.type,
  state: r.state as DeliveryState,
  tries: r.tries,
  nextAt: r.state === "pending" ? ms(r.next_at) : null,
  createdAt: ms(r.created_at)!,
  finishedAt: ms(r.finished_at),
  payload: r.payload,
});

export interface AttemptRow {
  delivery_id: string;
  number: number;
  at: Date;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  next_at: Date | null;
  sent_by: string;
}

export const attemptOf = (r: AttemptRow): AttemptRecord => ({
  deliveryId: r.delivery_id,
  number: r.number,
  at: ms(r.at)!,
  statusCode: r.status_code,
  latencyMs: r.latency_ms,
  error: r.error,
  nextAt: ms(r.next_at),
  sentBy: r.sent_by,
});
