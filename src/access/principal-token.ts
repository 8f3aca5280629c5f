/**
 * The principal as the gateway hands it to a subgraph: the caller the gateway authenticated, signed
 * with a secret the gateway and the subgraphs share (HMAC-SHA256), valid for a short time. A
 * subgraph trusts no other statement of who is calling: an unsigned, forged, altered or expired
 * token is refused.
 *
 * Token: base64url(JSON payload) "." base64url(HMAC-SHA256(secret, that first part)).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { DomainError } from "../lib/errors";
import { ROLES, type Role } from "./access.entity";
import { Principal } from "./principal";

/** The request header that carries the token from the gateway (or another owner) to a subgraph. */
export const PRINCIPAL_HEADER = "x-medassist-principal";

/** How long a token is accepted after it was signed: one request's journey, with clock skew. */
export const PRINCIPAL_TOKEN_SECONDS = 60;

/** The shortest secret accepted: an HMAC key shorter than this is guessable. */
export const MIN_SECRET_LENGTH = 32;

interface TokenPayload {
  /** Key id, role and jurisdictions: the Principal. */
  k: string;
  r: Role;
  j: string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Signs a principal for one request to a subgraph. */
export function signPrincipal(principal: Principal, secret: string, nowMillis = Date.now()): string {
  requireSecret(secret);
  const payload: TokenPayload = { k: principal.keyId, r: principal.role, j: [...principal.jurisdictions], exp: Math.floor(nowMillis / 1000) + PRINCIPAL_TOKEN_SECONDS };
  const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  return `${body}.${mac(body, secret)}`;
}

/** The principal a token states, or UNAUTHENTICATED when it is missing, forged, altered or expired. */
export function verifyPrincipal(token: string | undefined, secret: string, nowMillis = Date.now()): Principal {
  requireSecret(secret);
  if (!token) throw refused("没有网关签名的调用方 / no principal signed by the gateway");
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined || !sameMac(mac(body, secret), signature)) {
    throw refused("调用方签名无效 / the principal's signature is not valid");
  }
  const payload = parsePayload(body);
  if (payload.exp * 1000 < nowMillis) throw refused("调用方签名已过期 / the principal's signature has expired");
  return new Principal(payload.k, payload.r, payload.j);
}

function mac(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64url");
}

function sameMac(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parsePayload(body: string): TokenPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    throw refused("调用方签名无效 / the principal's signature is not valid");
  }
  const p = payload as Partial<TokenPayload>;
  const wellFormed = typeof p.k === "string" && ROLES.includes(p.r as Role) && Array.isArray(p.j) && p.j.every((j) => typeof j === "string") && Number.isInteger(p.exp);
  // A valid MAC over a malformed payload means the secret signed it: a defect, not a client error.
  if (!wellFormed) throw new Error("a correctly signed principal token has a malformed payload");
  return p as TokenPayload;
}

/** Refuses (a fault at start, not a client's error) a secret too short to sign with. */
export function requireSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the subgraph secret must have at least ${MIN_SECRET_LENGTH} characters`);
}

function refused(reason: string): DomainError {
  return new DomainError("UNAUTHENTICATED", PRINCIPAL_HEADER, reason);
}
