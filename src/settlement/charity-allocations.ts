/**
 * Settlements' port to the charity: what it has allocated from funds to a household's year, which a
 * re-settlement must not take back unconfirmed (the WOULD_REVERSE_PAID guard). Settlements owns the
 * question; the charity answers it — in-process from its ledger, or (TODO) from the charity
 * subgraph when it runs apart. Settlements never reads the charity's tables.
 */
import type { Money } from "../lib/money";

export interface CharityAllocations {
  /** Net of reversals; 0 when the charity has no entitlement for the household's year. */
  allocatedTo(beneficiaryId: string, year: number): Promise<Money>;
}
