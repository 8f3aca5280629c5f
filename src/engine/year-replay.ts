/**
 * Settling a beneficiary's bills of one year again, in date order, from an empty year: what happens
 * when a bill dated before bills already settled arrives, so that each bill meets the year's
 * deductibles and caps in the order the care was given.
 */
import type { CompiledPack } from "./compiled-pack";
import { settle } from "./settle";
import type { Beneficiary, Claim, Settlement, YearToDate } from "./types";
import { emptyYearToDate } from "./year-to-date";

export interface ReplayedBill<B> {
  bill: B;
  settlement: Settlement;
  /** The year's account after this bill. */
  yearToDate: YearToDate;
}

/**
 * Settles `bills` of `year` in date order; bills of the same date keep the order they are given in
 * (the order they arrived). `packFor` chooses each bill's pack.
 */
export function settleInDateOrder<B extends { claim: Claim }>(bills: readonly B[], beneficiary: Beneficiary, year: number, packFor: (bill: B) => CompiledPack): ReplayedBill<B>[] {
  const ordered = [...bills].sort((a, b) => (a.claim.date < b.claim.date ? -1 : a.claim.date > b.claim.date ? 1 : 0));
  let yearToDate = emptyYearToDate(beneficiary.id, year);
  return ordered.map((bill) => {
    const result = settle(packFor(bill), beneficiary, bill.claim, yearToDate);
    yearToDate = result.yearToDate;
    return { bill, settlement: result.settlement, yearToDate };
  });
}
