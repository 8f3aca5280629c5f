/**
 * Signed, short-lived links to one 化解清单: a case worker signed in to the charity page (or a
 * system holding a key) hands a household's statement to a browser without putting a key in the
 * address bar. The link names the household's stored key and the year; the signature
 * (HMAC-SHA256 with the server's STATEMENT_LINK_SECRET) covers them and the expiry, so it opens
 * that one statement only, until it expires.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { DomainError } from "../lib/errors";

export const SHARED_STATEMENTS = "/shared/statements";

export interface StatementRef {
  jurisdiction: string;
  beneficiaryId: string;
  year: number;
}

function signature(secret: Buffer, ref: StatementRef, expires: number): string {
  return createHmac("sha256", secret).update(`${ref.jurisdiction}\n${ref.beneficiaryId}\n${ref.year}\n${expires}`).digest("hex");
}

/** The link's path and query, valid for `minutes` from `now` (ms). */
export function statementLink(secret: Buffer, ref: StatementRef, minutes: number, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + minutes * 60;
  const path = [ref.jurisdiction, ref.beneficiaryId, String(ref.year)].map(encodeURIComponent).join("/");
  return `${SHARED_STATEMENTS}/${path}?expires=${expires}&signature=${signature(secret, ref, expires)}`;
}

/** Refuses a link whose signature does not cover this statement and expiry, or that has expired. */
export function checkStatementLink(secret: Buffer, ref: StatementRef, query: Record<string, unknown>, now = Date.now()): void {
  const expires = Number(query.expires);
  const given = typeof query.signature === "string" && /^[0-9a-f]{64}$/.test(query.signature) ? Buffer.from(query.signature, "hex") : null;
  const wanted = Buffer.from(signature(secret, ref, expires), "hex");
  if (!Number.isInteger(expires) || !given || !timingSafeEqual(given, wanted)) {
    throw new DomainError("FORBIDDEN", "signature", "signature: 链接无效，请向经办人重新索取 / this link is not valid for this statement");
  }
  if (expires * 1000 < now) throw new DomainError("FORBIDDEN", "expires", "expires: 链接已过期，请向经办人重新索取 / this link has expired");
}
