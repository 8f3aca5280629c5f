/**
 * The app's last word on any request no route answered or that failed inside Express (malformed
 * JSON, a body over the limit, a fault): JSON in the error shape of the path's protocol, never
 * Express's HTML page with its stack and file paths.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import type { Logger } from "../lib/logger";
import { httpStatusOf } from "../lib/errors";

interface HttpRefusal {
  status: number;
  code: string;
  field: string;
  message: string;
}

const INTERNAL: HttpRefusal = { status: httpStatusOf("INTERNAL_SERVER_ERROR"), code: "INTERNAL_SERVER_ERROR", field: "", message: "服务器内部错误 / internal error" };

/** What body-parser's errors mean to a client; anything else is our fault (500). */
function refusalOf(error: unknown): HttpRefusal {
  const { type, status, limit } = (error ?? {}) as { type?: unknown; status?: unknown; limit?: unknown };
  if (type === "entity.too.large") {
    // The route's own limit (a batch of bills reads more than other requests).
    const megabytes = typeof limit === "number" ? Math.round(limit / 1_048_576) : 1;
    return { status: httpStatusOf("PAYLOAD_TOO_LARGE"), code: "PAYLOAD_TOO_LARGE", field: "body", message: `请求体过大 / the request body is over the limit of ${megabytes} MB` };
  }
  if (type === "entity.parse.failed") return { status: httpStatusOf("INVALID_INPUT"), code: "INVALID_INPUT", field: "body", message: "body: 不是有效的 JSON / not valid JSON" };
  // body-parser's other refusals (encoding, charset) carry a `type`; Express's own (a path it
  // cannot decode) do not.
  if (typeof status === "number" && status >= 400 && status < 500) return { status, code: "BAD_REQUEST", field: typeof type === "string" ? "body" : "path", message: "无法读取请求 / the request cannot be read" };
  return INTERNAL;
}

/** Answers in the shape of the path's protocol: the /api adapter's, or GraphQL's everywhere else. */
function send(req: Request, res: Response, refusal: HttpRefusal): void {
  const { status, code, field, message } = refusal;
  const body = req.originalUrl.startsWith("/api/") || req.originalUrl === "/api" ? { error: { code, field, message } } : { errors: [{ message, extensions: { code, field } }] };
  res.status(status).json(body);
}

/** 404 for a path no route serves. */
export function unknownRoute(): RequestHandler {
  return (req, res) => send(req, res, { status: httpStatusOf("NOT_FOUND"), code: "NOT_FOUND", field: "path", message: `没有此路径 / no such path: ${req.method} ${req.path}` });
}

/** The one error handler of the app, mounted last. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    // Too late to answer in JSON: Express closes the connection.
    if (res.headersSent) return next(error);
    const refusal = refusalOf(error);
    if (refusal.status >= 500) logger.error({ err: error, path: req.path }, "request failed");
    send(req, res, refusal);
  };
}
