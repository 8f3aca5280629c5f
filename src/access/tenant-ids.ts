/**
 * Partner-chosen ids (beneficiaries, claims) live in their jurisdiction's namespace: the same id may
 * exist in two jurisdictions independently, and one partner's ids never block or reveal another's.
 * They are stored as `<jurisdiction>:<id>` keys (a jurisdiction, a pack id, never holds ':'), so
 * that every table keeps one key column; answers show the partner's own id again.
 */
import { DomainError } from "../lib/errors";
import type { Principal } from "./principal";

/** The stored key of a partner's id in a jurisdiction. */
export function scopedKey(jurisdiction: string, id: string): string {
  return `${jurisdiction}:${id}`;
}

/** The jurisdiction of a stored key. */
export function jurisdictionOf(key: string): string {
  return key.slice(0, key.indexOf(":"));
}

/** The partner's own id of a stored key. */
export function partnerId(key: string): string {
  return key.slice(key.indexOf(":") + 1);
}

/** A stored key's partner id, or null. */
export function partnerIdOrNull(key: string | null): string | null {
  return key === null ? null : partnerId(key);
}

/**
 * The stored keys an id from a caller can stand for: in the jurisdiction the caller names, or else
 * in each jurisdiction its key may address. Other jurisdictions' namespaces are never looked at, so
 * that their ids show neither in answers nor in timing.
 */
export function candidateKeys(principal: Principal, id: string, allJurisdictions: readonly string[], jurisdiction?: string | null): string[] {
  const jurisdictions = jurisdiction ? (principal.canSee(jurisdiction) ? [jurisdiction] : []) : (principal.visibleJurisdictions ?? allJurisdictions);
  return jurisdictions.map((j) => scopedKey(j, id));
}

/**
 * The stored key of an entity's federation key (`{ jurisdiction, id }`, as the gateway sends it to a
 * subgraph), or null when it is malformed or the caller may not see the jurisdiction.
 */
export function visibleKeyOf(principal: Principal, reference: Record<string, unknown>): { key: string; jurisdiction: string } | null {
  const { jurisdiction, id } = reference;
  if (typeof jurisdiction !== "string" || typeof id !== "string") return null;
  const [key] = candidateKeys(principal, id, [], jurisdiction);
  return key ? { key, jurisdiction } : null;
}

/**
 * The one row found under a caller's id, null when none; AMBIGUOUS_ID when the id exists in
 * several jurisdictions the caller may address (all its own to know), until it names one.
 */
export function onlyOne<T extends { jurisdiction: string }>(found: readonly T[], what: string, id: string, jurisdictionField: string): T | null {
  if (found.length > 1) {
    const where = found.map((row) => row.jurisdiction).sort().join(", ");
    throw new DomainError(
      "AMBIGUOUS_ID",
      jurisdictionField,
      `${jurisdictionField}: 编号 ${id} 在多个辖区存在（${where}），请指定辖区 / ${what} id ${id} exists in several jurisdictions your key covers (${where}): give ${jurisdictionField}`,
    );
  }
  return found[0] ?? null;
}

/** The options of the optional `jurisdiction` argument beside a partner-chosen id in GraphQL. */
export const JURISDICTION_ARG = { nullable: true, description: "The id's jurisdiction: needed only when the id exists in several jurisdictions the key covers." } as const;
