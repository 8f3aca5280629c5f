/**
 * Structured JSON logs (pino), one line per event. A line written while serving a request carries
 * the request's id (`reqId`).
 */
import pino, { type Logger } from "pino";
import { requestContext } from "./request-context";

/** A logger writing to stdout, or to `destination` (tests read the lines). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "medassist-gateway" },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const context = requestContext.getStore();
      return context ? { reqId: context.requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
