// What webhook delivery needs of a store (src/storage/webhook-store.ts implements it
// on PostgreSQL and PGlite). Times are epoch milliseconds.
import type { WebhookEventType } from "../core/notices.js";

export type ManagedBy = "api" | "config";
export type DeliveryState = "pending" | "delivered" | "dead";

export interface EndpointRecord {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  /** Globs over a run's source origin; empty: any. */
  sources: string[];
  /** A run's tag must be one of these; empty: any. */
  tags: string[];
  managedBy: ManagedBy;
  createdAt: number;
  updatedAt: number;
}

export interface NewEndpoint extends Omit<EndpointRecord, "createdAt" | "updatedAt"> {
  secret: string;
}

export type EndpointPatch = Partial<Pick<EndpointRecord, "url" | "description" | "events" | "sources" | "tags">>;

export interface DeliveryRecord {
  id: string;
  endpointId: string;
  runId: string;
  type: string;
  state: DeliveryState;
  tries: number;
  nextAt: number | null;
  createdAt: number;
  finishedAt: number | null;
  payload: string;
}

/** A delivery this replica holds the lease of, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  url: string;
  secret: string;
  payload: string;
  tries: number;
}

export interface AttemptRecord {
  deliveryId: string;
  number: number;
  at: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  nextAt: number | null;
  sentBy: string;
}

/** How one send went, and what happens next: `nextAt` null and not ok means dead-lettered. */
export interface AttemptOutcome {
  deliveryId: string;
  owner: string;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  nextAt: number | null;
}

export interface DeliveryFilter {
  endpointId?: string;
  runId?: string;
  state?: DeliveryState;
  limit: number;
}

export interface Backlog {
  pending: number;
  /** Age of the oldest pending delivery, ms; null when none. */
  oldestPendingMs: number | null;
}

export interface WebhookStore {
  createEndpoint(e: NewEndpoint): Promise<EndpointRecord>;
  updateEndpoint(id: string, patch: EndpointPatch): Promise<EndpointRecord | null>;
  deleteEndpoint(id: string): Promise<boolean>;
  getEndpoint(id: string): Promise<EndpointRecord | null>;
  listEndpoints(): Promise<EndpointRecord[]>;
  /** Makes the config-managed endpoints exactly these (inserting, updating, deleting). */
  syncConfigEndpoints(list: NewEndpoint[]): Promise<void>;
  /**
   * Leases up to `limit` due deliveries to `owner` (SKIP LOCKED: replicas never take the same
   * row), at most `perEndpoint` of one endpoint's, none of `busy` endpoints', and none behind an
   * earlier pending one of its run and endpoint.
   */
  claimDue(owner: string, limit: number, perEndpoint: number, busy: string[], leaseMs: number): Promise<ClaimedDelivery[]>;
  /** Records an attempt while `owner` still holds the lease; false when it no longer does. */
  recordAttempt(o: AttemptOutcome): Promise<boolean>;
  listDeliveries(filter: DeliveryFilter): Promise<DeliveryRecord[]>;
  getDelivery(id: string): Promise<DeliveryRecord | null>;
  listAttempts(deliveryIds: string[]): Promise<AttemptRecord[]>;
  /** A delivered or dead delivery goes back to pending, due now, with fresh tries; null when unknown. */
  redeliver(id: string): Promise<DeliveryRecord | null>;
  backlog(): Promise<Backlog>;
  /** The event types at least one endpoint wants. */
  wantedEventTypes(): Promise<string[]>;
  /** Writes run.stalled for running runs with no commit for stallMs (once per stall); returns how many. */
  sweepStalled(stallMs: number): Promise<number>;
  /** Writes run.interrupted for runs whose lease lapsed graceMs ago without a new driver (once per lapse). */
  sweepInterrupted(graceMs: number): Promise<number>;
}
