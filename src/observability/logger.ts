// pino JSON logs on stderr (stdout belongs to the CLI's output).
import { pino } from "pino";
import type { Logger } from "../engine/ports.js";

export function createLogger(level = process.env.CONVEYOR_LOG_LEVEL ?? "warn"): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination(2));
}
