// Domain errors as HTTP statuses: unknown things 404, wrong state 409, bad input 400.
import {
  CheckpointNotFoundError,
  ConveyorError,
  InvalidTransitionError,
  RunNotFoundError,
  StoreLockedError,
  TaskNotFoundError,
} from "../../core/errors.js";
import { HttpError } from "../http/io.js";

export function toHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  if (!(err instanceof ConveyorError)) return null;
  const status =
    err instanceof RunNotFoundError || err instanceof TaskNotFoundError || err instanceof CheckpointNotFoundError
      ? 404
      : err instanceof InvalidTransitionError || err instanceof StoreLockedError
        ? 409
        : 400;
  // the error's own fields (part, cycle, ids, field, ...) explain it
  const details = Object.fromEntries(Object.entries(err).filter(([k]) => k !== "code"));
  return new HttpError(status, err.message, err.code, details);
}
