/**
 * A household's stored year as the engine's planYear sees it: the stored bills with their current
 * settlements, and the plan over them (what settling, re-settling and previews store or show).
 */
import type { StoredAmounts, YearBill, YearPlan } from "../engine/plan-year";
import type { ClaimEntity } from "../claim/claim.entity";
import type { SettlementEntity } from "./settlement.entity";

/** A stored settlement as the year's plan compares it: its amounts, and the row. */
export interface CurrentSettlement extends StoredAmounts {
  row: SettlementEntity;
}

/** A stored bill of a household's year: the claim row and its current settlement, if settled. */
export interface StoredBill extends YearBill {
  entity: ClaimEntity;
  current: CurrentSettlement | null;
}

/** A household's year as the engine plans it, over stored bills. */
export type StoredYearPlan = YearPlan<StoredBill, CurrentSettlement>;


/**
 * The key of a household's year in the maps a batch reads and writes (year-to-date rows, last
 * settled dates, accounts): one spelling, so that what the repository keys the service finds.
 */
export function householdYearKey(beneficiaryId: string, year: number): string {
  return `${beneficiaryId}\u0000${year}`;
}
