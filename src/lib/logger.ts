/**
 * Structured JSON logs (pino), one line per event.
 */
import pino, { type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "medassist-gateway" }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };
