// What the API does with webhooks: endpoints (the secret shown once, at creation),
// deliveries with their attempts, and replaying one.
import { randomBytes } from "node:crypto";
import { checkNewEndpoint, checkPatch, type EndpointInput } from "./endpoint-input.js";
import { DeliveryNotFoundError, DeliveryPendingError, WebhookManagedByConfigError, WebhookNotFoundError } from "./errors.js";
import type { AttemptRecord, DeliveryFilter, DeliveryRecord, EndpointRecord, WebhookStore } from "./ports.js";
import { newSecret } from "./secret.js";

export interface CreatedEndpoint {
  endpoint: EndpointRecord;
  /** Shown this once: the API never returns it again. */
  secret: string;
}

export class Webhooks {
  constructor(
    readonly store: WebhookStore,
    private readonly allowPrivate: boolean,
    private readonly hooks: {
      /** A delivery is due now (a redelivery). */
      due?: () => void;
      /** Endpoints changed: what the commit statement must know of them (wanted-types.ts). */
      changed?: () => Promise<void>;
    } = {},
  ) {}

  async create(input: EndpointInput): Promise<CreatedEndpoint> {
    const checked = checkNewEndpoint(input, this.allowPrivate);
    const secret = newSecret();
    const endpoint = await this.store.createEndpoint({ id: `wh_${randomBytes(12).toString("hex")}`, secret, managedBy: "api", ...checked });
    await this.hooks.changed?.();
    return { endpoint, secret };
  }

  async update(id: string, input: EndpointInput): Promise<EndpointRecord> {
    const patch = checkPatch(input, this.allowPrivate);
    const updated = await this.store.updateEndpoint(id, patch);
    if (updated) {
      await this.hooks.changed?.();
      return updated;
    }
    throw await this.whyNot(id);
  }

  async delete(id: string): Promise<EndpointRecord> {
    const e = await this.store.getEndpoint(id);
    if (!e) throw new WebhookNotFoundError(id);
    if (e.managedBy === "config") throw new WebhookManagedByConfigError(id);
    if (!(await this.store.deleteEndpoint(id))) throw new WebhookNotFoundError(id);
    await this.hooks.changed?.();
    return e;
  }

  list = (): Promise<EndpointRecord[]> => this.store.listEndpoints();
  get = (id: string): Promise<EndpointRecord | null> => this.store.getEndpoint(id);
  deliveries = (f: DeliveryFilter): Promise<DeliveryRecord[]> => this.store.listDeliveries(f);
  attempts = (ids: string[]): Promise<AttemptRecord[]> => this.store.listAttempts(ids);

  async redeliver(id: string): Promise<DeliveryRecord> {
    const d = await this.store.redeliver(id);
    if (d) {
      this.hooks.due?.();
      return d;
    }
    const known = await this.store.getDelivery(id);
    throw known ? new DeliveryPendingError(id) : new DeliveryNotFoundError(id);
  }

  private async whyNot(id: string): Promise<Error> {
    const e = await this.store.getEndpoint(id);
    return e?.managedBy === "config" ? new WebhookManagedByConfigError(id) : new WebhookNotFoundError(id);
  }
}
