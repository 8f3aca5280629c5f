/**
 * Settlements' port to the charity: what it has allocated from funds to a household's year, which a
 * re-settlement must not take back unconfirmed (the WOULD_REVERSE_PAID guard). Settlements owns the
 * question; the charity answers it — in-process from its ledger, or over HTTP from the charity
 * process (remote-charity-allocations.ts) when it runs apart. Settlements never reads the
 * charity's tables.
 */
import type { Money } from "../lib/money";

export interface CharityAllocations {
  /** Net of reversals; 0 when the charity has no entitlement for the household's year. */
  allocatedTo(beneficiaryId: string, year: number): Promise<Money>;
}

/** The charity process's route that answers the question (express path, next to POST /events). */
export const CHARITY_ALLOCATIONS_ROUTE = "/allocations/:beneficiaryId/:year";

/** Where the question for a household-year is asked, below the route's base (CHARITY_ALLOCATIONS_URL). */
export function charityAllocationsPath(beneficiaryId: string, year: number): string {
  return `/${encodeURIComponent(beneficiaryId)}/${year}`;
}

/** The answer on the wire: money as a string. */
export interface CharityAllocationsAnswer {
  beneficiaryId: string;
  year: number;
  allocated: string;
}
