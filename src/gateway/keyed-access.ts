/**
 * What every keyed route (/graphql, /api, /statements, /reports) runs first: the limit per client
 * address, the caller's key, the stricter limit on requests without a valid key per address
 * (brute force, floods of bad keys), and the limit per key. Refusals are 429 with `Retry-After` and
 * the route's JSON error shape, code RATE_LIMITED. Counts live in this process's memory (express-
 * rate-limit's MemoryStore): behind a balancer with N instances a client gets up to N times them.
 */
import type { Request, RequestHandler, Response } from "express";
import { rateLimit } from "express-rate-limit";
import { DomainError, httpStatusOf } from "../lib/errors";
import type { RateLimits } from "../lib/config";
import type { Principal } from "../access/principal";
import type { ApiKeyService } from "../access/api-key.service";

export type Caller = { principal: Principal } | { principal: null; refusal: DomainError };

const CALLER = "caller";

/** The caller that `keyedAccess` identified for this request: its principal, or why there is none. */
export function callerOf(res: Response): Caller {
  const caller = res.locals[CALLER] as Caller | undefined;
  if (!caller) throw new Error(`${res.req.originalUrl}: keyedAccess() is not mounted in front of this route`);
  return caller;
}

/** The error a client gets, in the shape of the route it called: GraphQL's `errors`, or `/api`'s `error`. */
export function errorBody(req: Request, error: DomainError): unknown {
  if (req.baseUrl === "/graphql") return { errors: [{ message: error.message, extensions: { code: error.code, field: error.field } }] };
  return { error: { code: error.code, field: error.field, message: error.message } };
}

function identify(apiKeys: ApiKeyService): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals[CALLER] = { principal: await apiKeys.authenticate(req.headers.authorization) } satisfies Caller;
    } catch (error) {
      if (!(error instanceof DomainError)) return next(error);
      res.locals[CALLER] = { principal: null, refusal: error } satisfies Caller;
    }
    next();
  };
}

function isAuthenticated(res: Response): boolean {
  return callerOf(res).principal !== null;
}

/** One limit: `limit` requests a minute per `keyGenerator` (default: the client address), or nothing when 0. */
function limiter(name: string, limit: number, what: { zh: string; en: string }, options: { keyGenerator?: (req: Request, res: Response) => string; skip?: (req: Request, res: Response) => boolean } = {}): RequestHandler[] {
  if (limit === 0) return [];
  return [
    rateLimit({
      windowMs: 60_000,
      limit,
      identifier: name,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      ...options,
      handler: (req, res) => {
        const seconds = String(res.getHeader("Retry-After") ?? 60);
        const error = new DomainError("RATE_LIMITED", "Authorization", `${what.zh}请求过多，请 ${seconds} 秒后重试 / too many requests ${what.en}; retry after ${seconds} s`);
        res.status(httpStatusOf(error.code)).json(errorBody(req, error));
      },
    }),
  ];
}

/** The middleware of a keyed route, in order; the route then reads the caller with `callerOf(res)`. */
export function keyedAccess(apiKeys: ApiKeyService, limits: RateLimits): RequestHandler[] {
  return [
    ...limiter("address", limits.perAddressPerMinute, { zh: "此地址", en: "from this address" }),
    identify(apiKeys),
    // Only requests without a valid key count, and a valid key still works from a blocked address:
    // a stranger behind the same NAT cannot lock a partner out.
    ...limiter("auth-failures", limits.authFailuresPerAddressPerMinute, { zh: "此地址无有效密钥的", en: "without a valid key from this address" }, { skip: (_req, res) => isAuthenticated(res) }),
    ...limiter("key", limits.perKeyPerMinute, { zh: "此密钥", en: "for this key" }, {
      keyGenerator: (_req, res) => callerOf(res).principal?.keyId ?? "",
      skip: (_req, res) => !isAuthenticated(res),
    }),
  ];
}
