// Domain errors as HTTP statuses: unknown things 404, wrong state 409, bad input 400,
// a database out of reach 503. The body carries the error's public code and its own
// data (part, cycle, ids, field, ...) in snake_case, never the class that raised it.
import {
  CheckpointNotFoundError,
  ConveyorError,
  InvalidTransitionError,
  RunNotFoundError,
  StoreLockedError,
  StoreOutageError,
  StoreUnavailableError,
  TaskNotFoundError,
} from "../../core/errors.js";
import { HttpError } from "../http/io.js";
import { toSnake } from "./snake.js";

/** Own fields of an error that are not data about the input. */
const NOT_DETAILS = new Set(["code", "name", "message", "stack", "cause"]);

function statusOf(err: ConveyorError): number {
  if (err instanceof RunNotFoundError || err instanceof TaskNotFoundError || err instanceof CheckpointNotFoundError) return 404;
  if (err instanceof InvalidTransitionError || err instanceof StoreLockedError) return 409;
  if (err instanceof StoreOutageError || err instanceof StoreUnavailableError) return 503;
  return 400;
}

export function toHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  if (!(err instanceof ConveyorError)) return null;
  const details = Object.fromEntries(
    Object.entries(err)
      .filter(([k, v]) => !NOT_DETAILS.has(k) && v !== undefined)
      .map(([k, v]) => [toSnake(k), v]),
  );
  return new HttpError(statusOf(err), err.message, err.code, details);
}
