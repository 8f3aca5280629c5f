/**
 * One log line per request (pino-http) and its metrics: the request id (the client's `X-Request-Id`
 * when it is sane, else a new one; echoed in the answer), method, path without the query string,
 * the GraphQL operation name, status and time. Never a body, header or key.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import type { Logger } from "../lib/logger";
import { requestContext, type RequestContext } from "../lib/request-context";
import { UNRESOLVED_OPERATION } from "./operation-label";
import type { GatewayMetrics } from "./metrics";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's request id if it is sane (it goes into logs), else a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === "string" && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** The path asked for, without the query string (which may carry anything). */
function pathOf(req: IncomingMessage): string {
  const url = (req as Request).originalUrl ?? req.url ?? "";
  return url.split("?")[0].slice(0, 200);
}

const OPERATION_KEYWORD = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

/** The GraphQL operation name of a /graphql request (POST body or GET parameters), if it has one. */
export function graphqlOperationName(req: IncomingMessage): string | null {
  if (pathOf(req) !== "/graphql") return null;
  const { body, query } = req as Request;
  if (Array.isArray(body)) return "batch";
  const params = (body && typeof body === "object" ? body : query ?? {}) as Record<string, unknown>;
  const named = typeof params.operationName === "string" && params.operationName ? params.operationName : typeof params.query === "string" ? OPERATION_KEYWORD.exec(params.query)?.[1] : undefined;
  return named ? named.slice(0, 64) : null;
}

/** The metrics label of a request: its GraphQL operation (by type and root field), or the route it matched. */
function metricsLabel(req: Request, context: RequestContext): string {
  if (pathOf(req) === "/graphql") return context.operation ?? UNRESOLVED_OPERATION;
  if (!req.route) return "unmatched";
  // A route of the /api router knows only its path inside the router.
  return `${pathOf(req).startsWith("/api/") ? "/api" : ""}${req.route.path}`;
}

function summary(req: IncomingMessage, res: ServerResponse, responseTime: number) {
  const operation = graphqlOperationName(req);
  return { reqId: (req as Request).id, method: req.method, path: pathOf(req), ...(operation ? { operation } : {}), status: res.statusCode, ms: responseTime };
}

/** The middleware, first in the app: ids, the log line and the metrics of every request. */
export function requestLogging(logger: Logger, metrics: GatewayMetrics): RequestHandler[] {
  const logging = pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = requestIdOf(req.headers["x-request-id"]);
      res.setHeader("X-Request-Id", id);
      return id;
    },
    // Only the summary below is logged: no headers (Authorization), no body.
    quietResLogger: true,
    wrapSerializers: false,
    serializers: { req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id }) },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
    customSuccessMessage: () => "request",
    customErrorMessage: () => "request failed",
    customSuccessObject: (req, res, value: { responseTime: number }) => summary(req, res, value.responseTime),
    customErrorObject: (req, res, error, value: { responseTime: number }) => ({ ...summary(req, res, value.responseTime), err: error }),
  });
  const measuring: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    const context: RequestContext = { requestId: String(req.id) };
    res.on("finish", () => metrics.observeRequest(metricsLabel(req, context), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    requestContext.run(context, next);
  };
  return [logging as unknown as RequestHandler, measuring];
}
