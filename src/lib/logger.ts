/**
 * Structured JSON logs (pino), one line per event. A line written while serving a request carries
 * the request's id (`reqId`).
 */
import pino, { type Logger } from "pino";
import { requestContext } from "./request-context";

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "medassist-gateway" },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const context = requestContext.getStore();
      return context ? { reqId: context.requestId } : {};
    },
  });
}

export type { Logger };
