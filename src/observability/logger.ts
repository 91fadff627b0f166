// pino JSON logs on stderr (stdout belongs to the CLI's output).
import { pino } from "pino";
import type { Logger } from "../engine/ports.js";

/** `level`: the CONVEYOR_LOG_LEVEL setting, or the caller's default. */
export function createLogger(level = "warn"): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination(2));
}
