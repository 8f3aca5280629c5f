/**
 * Year-to-date state: per beneficiary, natural year and tier, the cumulative base and payment.
 * Values are immutable; settling returns a new state, so a refused claim leaves the old one intact.
 */
import { ZERO } from "../lib/money";
import { TIERS, type Tier } from "./vocabulary";
import type { TierYearToDate, YearToDate } from "./types";

/** The state of a year in which nothing has been settled yet. */
export function emptyYearToDate(beneficiaryId: string, year: number): YearToDate {
  const tiers = {} as Record<Tier, TierYearToDate>;
  for (const tier of TIERS) tiers[tier] = { base: ZERO, paid: ZERO };
  return { beneficiaryId, year, tiers };
}
