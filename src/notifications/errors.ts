// Expected failures of the webhook API, typed so GraphQL returns them as union members.
import { ConveyorError } from "../core/errors.js";

/** An endpoint's input is unusable; `field` names the part (url, events, description, sources, tags, id, secret). */
export class InvalidWebhookError extends ConveyorError {
  readonly code = "INVALID_WEBHOOK";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export class WebhookNotFoundError extends ConveyorError {
  readonly code = "WEBHOOK_NOT_FOUND";
  constructor(readonly id: string) {
    super(`no webhook ${id}`);
  }
}

/** Endpoints from CONVEYOR_WEBHOOKS change only there. */
export class WebhookManagedByConfigError extends ConveyorError {
  readonly code = "WEBHOOK_MANAGED_BY_CONFIG";
  constructor(readonly id: string) {
    super(`webhook ${id} comes from CONVEYOR_WEBHOOKS: change it there`);
  }
}

export class DeliveryNotFoundError extends ConveyorError {
  readonly code = "DELIVERY_NOT_FOUND";
  constructor(readonly id: string) {
    super(`no webhook delivery ${id}`);
  }
}

/** A pending delivery is already on its way: redelivering it would change nothing. */
export class DeliveryPendingError extends ConveyorError {
  readonly code = "DELIVERY_PENDING";
  constructor(readonly id: string) {
    super(`webhook delivery ${id} is still pending`);
  }
}
